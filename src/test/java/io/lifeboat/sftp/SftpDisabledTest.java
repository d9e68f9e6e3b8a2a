package io.lifeboat.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * With {@code lifeboat.sftp.enabled=false} there is no SFTP server and no sftp health component.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SftpDisabledTest {

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add(
        "lifeboat.data-dir",
        () -> SftpHealthTest.temporaryDirectory("lifeboat-sftp-disabled").toString());
    registry.add("LIFEBOAT_OPERATOR_PASSWORD", () -> "Operator-Test-Pass1");
    registry.add("server.address", () -> "127.0.0.1");
    registry.add("lifeboat.sftp.enabled", () -> "false");
  }

  @LocalServerPort int httpPort;
  @Autowired ApplicationContext context;

  @Test
  @SuppressWarnings("unchecked")
  void healthHasNoSftpComponent() throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
                    .build(),
                BodyHandlers.ofString())
            .body();
    Map<String, Object> health = JsonMapper.builder().build().readValue(body, Map.class);

    assertThat(health.get("status")).isEqualTo("UP");
    assertThat((Map<String, Object>) health.get("components")).doesNotContainKey("sftp");
    assertThat(context.getBeanNamesForType(SftpServer.class)).isEmpty();
  }
}
