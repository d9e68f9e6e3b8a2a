package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A webmail session ends after the configured idle time. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "lifeboat.webmail.idle-timeout=3s")
class WebmailIdleTimeoutTest {

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-idle");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;

  @Test
  void idleSessionEnds() throws Exception {
    Actor actor = new Actor("test", "test", "127.0.0.1");
    customers.put(
        actor,
        "12321",
        new CustomerRequest(
            "Idle",
            List.of(new DomainRequest("idle.example", "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
    String email = "ida@idle.example";
    provisioning.put(
        actor,
        "12321",
        new UserDraft(
            email,
            "Ida",
            "Ida",
            "Idle",
            "en_GB",
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of()));
    IssuedToken token = provisioning.issueToken(actor, "12321", email, false);
    tokens.setPassword(actor, email, token.token(), "Standby2026!");
    directory.setFlag(actor, "12321", email, Flag.ACCESS, true);

    HttpClient client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    String loginPage = get(client, "/login").body();
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(loginPage);
    assertThat(csrf.find()).isTrue();
    String form =
        "_csrf="
            + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
            + "&email="
            + URLEncoder.encode(email, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode("Standby2026!", StandardCharsets.UTF_8);
    HttpResponse<String> login =
        client.send(
            HttpRequest.newBuilder(URI.create(base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/");

    HttpResponse<String> home = get(client, "/");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains(email);

    Thread.sleep(4500);
    HttpResponse<String> later = get(client, "/");
    assertThat(later.statusCode()).isEqualTo(302);
    assertThat(later.headers().firstValue("Location").orElseThrow()).endsWith("/login");
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
