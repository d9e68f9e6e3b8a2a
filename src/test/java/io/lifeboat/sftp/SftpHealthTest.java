package io.lifeboat.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** The {@code sftp} health component while another process has bound the SFTP port, and after. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SftpHealthTest {

  private static final ServerSocket occupier = occupy();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    registry.add("lifeboat.data-dir", () -> temporaryDirectory("lifeboat-sftp-health").toString());
    registry.add("LIFEBOAT_OPERATOR_PASSWORD", () -> "Operator-Test-Pass1");
    registry.add("server.address", () -> "127.0.0.1");
    registry.add("lifeboat.sftp.host", () -> "127.0.0.1");
    registry.add("lifeboat.sftp.port", () -> Integer.toString(occupier.getLocalPort()));
    registry.add("lifeboat.sftp.bind-retry-interval", () -> "300ms");
  }

  @LocalServerPort int httpPort;

  @AfterAll
  static void release() throws IOException {
    occupier.close();
  }

  @Test
  void sftpDownUntilPortIsFree() throws IOException {
    Map<String, Object> down = sftpHealth();
    assertThat(down.get("status")).isEqualTo("DOWN");
    assertThat(((Map<?, ?>) down.get("details")).get("error").toString()).contains("BindException");

    occupier.close();

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "UP".equals(sftpHealth().get("status")));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> sftpHealth() {
    try {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                      .build(),
                  BodyHandlers.ofString())
              .body();
      Map<String, Object> health = JsonMapper.builder().build().readValue(body, Map.class);
      return (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("sftp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ServerSocket occupy() {
    try {
      return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static java.nio.file.Path temporaryDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
