package io.lifeboat.operations;

import io.lifeboat.LifeboatApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Lifeboat started in this JVM on a given data folder, random ports and its database, which a
 * test stops and starts again as an operator would restart the service.
 */
final class Instance implements AutoCloseable {

  static final String OPERATOR_PASSWORD = "Operator-Ops-Test-1";

  private final ConfigurableApplicationContext context;
  private final HttpClient http = HttpClient.newHttpClient();

  private Instance(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts Lifeboat on {@code dataDir} with its delivery workers off, so that queued mail stays in
   * the spool. {@code extraSources} adds test configuration classes.
   */
  static Instance start(Path dataDir, Map<String, String> properties, Class<?>... extraSources) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("lifeboat.data-dir", dataDir.toString());
    all.put("server.port", "0");
    all.put("server.address", "127.0.0.1");
    all.put("lifeboat.smtp.port", "0");
    all.put("lifeboat.smtp.bind-address", "127.0.0.1");
    all.put("lifeboat.sftp.port", "0");
    all.put("lifeboat.sftp.host", "127.0.0.1");
    all.put("lifeboat.delivery.enabled", "false");
    all.put("LIFEBOAT_OPERATOR_PASSWORD", OPERATOR_PASSWORD);
    all.putAll(properties);
    List<Class<?>> sources = new ArrayList<>();
    sources.add(LifeboatApplication.class);
    sources.addAll(List.of(extraSources));
    // Command-line arguments, because default properties rank below application.properties.
    String[] arguments =
        all.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(arguments);
    return new Instance(context);
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  int port() {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  /** Sends a request with the operator login and returns status and parsed JSON body. */
  Response operator(String method, String path, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            ("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body =
        response.body().isEmpty()
            ? JsonMapper.builder().build().nullNode()
            : JsonMapper.builder().build().readTree(response.body());
    return new Response(response.statusCode(), body, response.body());
  }

  record Response(int status, JsonNode json, String text) {}

  @Override
  public void close() {
    context.close();
  }
}
