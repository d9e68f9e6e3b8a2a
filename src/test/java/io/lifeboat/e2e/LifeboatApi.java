package io.lifeboat.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator API and the customer API of a running Lifeboat over HTTP Basic, with JSON bodies.
 * Every call returns the status and the parsed body, so that tests assert both.
 */
public final class LifeboatApi {

  /** A status code with its JSON body, which is empty for a response without a body. */
  public record Answer(int status, Map<String, Object> body, Map<String, List<String>> headers) {

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
      return (Map<String, Object>) body.get(key);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(String key) {
      return (List<Map<String, Object>>) body.get(key);
    }

    public String string(String key) {
      Object value = body.get(key);
      return value == null ? null : value.toString();
    }

    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(), List.of()).stream().findFirst().orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final String operatorLogin;

  public LifeboatApi(String baseUrl, String operatorPassword) {
    this.baseUrl = baseUrl;
    this.operatorLogin = "operator:" + operatorPassword;
  }

  /** Calls {@code /operator/v1} + {@code path} as the operator. */
  public Answer operator(String method, String path, Object body) throws IOException {
    return send(method, "/operator/v1" + path, operatorLogin, body);
  }

  /** Calls {@code /email/continuity/v2} + {@code path} with a customer API credential. */
  public Answer customer(String credential, String method, String path, Object body)
      throws IOException {
    return send(method, "/email/continuity/v2" + path, credential, body);
  }

  /**
   * Sends a request with {@code login} ({@code user:password}), or without a credential if null.
   */
  public Answer send(String method, String path, String login, Object body) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60));
    if (login != null) {
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
    }
    if (body == null) {
      request.method(method, BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    try {
      HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
      return new Answer(response.statusCode(), parse(response.body()), response.headers().map());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during " + method + " " + path, e);
    }
  }

  /** Parses a JSON object, such as a sync report read over SFTP, and a blank body as empty. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parse(String body) {
    if (body == null || body.isBlank()) {
      return Map.of();
    }
    return JSON.readValue(body, Map.class);
  }
}
