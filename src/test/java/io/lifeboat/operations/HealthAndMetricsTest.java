package io.lifeboat.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lifeboat.delivery.Envelope;
import io.lifeboat.delivery.MessageQueue;
import io.lifeboat.delivery.Origin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/health} and {@code /actuator/prometheus} over HTTP. The delivery workers are
 * off, so a queued message stays queued and ages past the 2-second health limit.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "lifeboat.delivery.enabled=false",
      "lifeboat.delivery.health-max-age=PT2S",
      "LIFEBOAT_OPERATOR_PASSWORD=" + HealthAndMetricsTest.OPERATOR_PASSWORD
    })
class HealthAndMetricsTest {

  static final String OPERATOR_PASSWORD = "Operator-Health-Test1";
  private static final Path DATA_DIR =
      Path.of("target", "ops-test-data", UUID.randomUUID().toString()).toAbsolutePath();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.data-dir", DATA_DIR::toString);
  }

  @LocalServerPort int port;
  @Autowired MessageQueue queue;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthListsEveryComponentUp() throws Exception {
    HttpResponse<String> response = get("/actuator/health", null);
    JsonNode components = JsonMapper.builder().build().readTree(response.body()).path("components");

    assertThat(response.statusCode()).isEqualTo(200);
    for (String component : List.of("db", "blobStore", "smtp", "sftp", "deliveryQueue")) {
      assertThat(components.path(component).path("status").asString())
          .as(component + " in " + response.body())
          .isEqualTo("UP");
    }
    assertThat(components.path("deliveryQueue").path("details").path("maxAgeSeconds").asLong())
        .isEqualTo(2);
  }

  @Test
  void oldQueuedMessageDegradesHealth() throws Exception {
    String queueId =
        queue.submit(
            new Envelope("sender@example.org", List.of("rcpt@example.net"), false, false),
            Origin.SUBMISSION,
            (id, out) ->
                out.write("Subject: aging\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8)));
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> "DEGRADED".equals(queueHealth().path("status").asString()));

      HttpResponse<String> response = get("/actuator/health", null);
      JsonNode health = JsonMapper.builder().build().readTree(response.body());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
      JsonNode details = health.path("components").path("deliveryQueue").path("details");
      assertThat(details.path("depth").asLong()).isEqualTo(1);
      assertThat(details.path("oldestAgeSeconds").asLong()).isGreaterThanOrEqualTo(2);
    } finally {
      HttpResponse<String> deleted =
          send("DELETE", "/operator/v1/queue/" + queueId, "operator:" + OPERATOR_PASSWORD);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    }
    assertThat(queueHealth().path("status").asString()).isEqualTo("UP");
  }

  @Test
  void prometheusNeedsOperatorLogin() throws Exception {
    assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
    assertThat(get("/actuator/prometheus", "operator:wrong-password").statusCode()).isEqualTo(401);
    assertThat(get("/actuator/metrics", null).statusCode()).isEqualTo(401);

    HttpResponse<String> scrape = get("/actuator/prometheus", "operator:" + OPERATOR_PASSWORD);

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(scrape.body()).contains("lifeboat_delivery_queue_depth");
    assertThat(scrape.body()).contains("jvm_memory_used_bytes");
    assertThat(scrape.body()).contains("hikaricp_connections_active");
  }

  @Test
  void otherActuatorEndpointsAreClosed() throws Exception {
    for (String path : List.of("/actuator/env", "/actuator/beans", "/actuator/heapdump")) {
      int status = get(path, "operator:" + OPERATOR_PASSWORD).statusCode();
      assertThat(status).as(path).isIn(403, 404);
    }
  }

  private JsonNode queueHealth() throws Exception {
    String body = get("/actuator/health", null).body();
    return JsonMapper.builder().build().readTree(body).path("components").path("deliveryQueue");
  }

  private HttpResponse<String> get(String path, String credentials) throws Exception {
    return send("GET", path, credentials);
  }

  private HttpResponse<String> send(String method, String path, String credentials)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (credentials != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
