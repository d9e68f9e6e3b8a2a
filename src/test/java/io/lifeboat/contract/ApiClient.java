package io.lifeboat.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client of the running application. Paths are sent as given, so a test can put {@code
 * %40} or other escapes into them. Bodies that are not strings are sent as JSON.
 */
final class ApiClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http;
  private final String base;
  private final Credential credential;

  private ApiClient(HttpClient http, String base, Credential credential) {
    this.http = http;
    this.base = base;
    this.credential = credential;
  }

  /** Returns an anonymous client of the application listening on loopback at {@code port}. */
  static ApiClient local(int port) {
    return new ApiClient(builder().build(), "http://127.0.0.1:" + port, null);
  }

  /**
   * Returns an anonymous client whose connections come from {@code localAddress}, another loopback
   * address such as 127.0.0.2, so that the server gets a different client address.
   */
  static ApiClient local(int port, InetAddress localAddress) {
    return new ApiClient(
        builder().localAddress(localAddress).build(), "http://127.0.0.1:" + port, null);
  }

  private static HttpClient.Builder builder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10));
  }

  /** Returns a client that sends {@code login} with every request. */
  ApiClient as(Credential login) {
    return new ApiClient(http, base, login);
  }

  ApiClient anonymous() {
    return new ApiClient(http, base, null);
  }

  ApiResponse get(String path) {
    return send("GET", path, null, null);
  }

  ApiResponse head(String path) {
    return send("HEAD", path, null, null);
  }

  ApiResponse delete(String path) {
    return send("DELETE", path, null, null);
  }

  ApiResponse post(String path) {
    return send("POST", path, null, null);
  }

  ApiResponse put(String path) {
    return send("PUT", path, null, null);
  }

  ApiResponse put(String path, Object body) {
    return send("PUT", path, "application/json", body);
  }

  /** Sends any method with a body of the given content type; a null type sends no header. */
  ApiResponse send(String method, String path, String contentType, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .method(method, publisher(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  /** Sends a request that the caller built, with this client's credential if it has one. */
  ApiResponse send(HttpRequest.Builder request) {
    if (credential != null) {
      request.setHeader("Authorization", credential.authorizationHeader());
    }
    HttpRequest built = request.build();
    try {
      var response = http.send(built, BodyHandlers.ofString());
      return new ApiResponse(
          built.method(), built.uri(), response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(built.method() + " " + built.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + built.uri(), e);
    }
  }

  /** Returns a request builder for {@code path}, for requests that need their own headers. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
  }

  static String json(Object body) {
    return body instanceof String text ? text : JSON.writeValueAsString(body);
  }

  private static BodyPublisher publisher(Object body) {
    return body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json(body));
  }
}
