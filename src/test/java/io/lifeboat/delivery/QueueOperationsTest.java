package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.FakeSmtpServer.Mode;
import io.lifeboat.testing.MailPathTest;
import io.lifeboat.testing.SmtpWire;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The operator queue API, notification mails, health and metrics over real HTTP. */
@ExtendWith(OutputCaptureExtension.class)
class QueueOperationsTest extends MailPathTest {

  @Autowired Environment environment;
  @Autowired ObjectMapper json;
  @Autowired NotificationMailer notifications;
  @Autowired ProvisioningService provisioning;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> call(String method, String path, boolean operator) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + environment.getProperty("local.server.port") + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (operator) {
      String credentials = "operator:" + OPERATOR_PASSWORD;
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String queueMessage(String subject) throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.command("MAIL FROM:<sender@outside.test>");
      wire.command("RCPT TO:<" + PRIMARY_USER + ">");
      wire.command("DATA");
      String reply = wire.command("Subject: " + subject + "\r\n\r\nsecret body text\r\n.");
      return reply.substring("250 2.0.0 Ok: queued as ".length());
    }
  }

  @Test
  void operatorListsRetriesAndDeletesQueuedMail() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "operator " + UUID.randomUUID();
    String queueId = queueMessage(subject);
    await(
        "a deferred attempt",
        () -> {
          try {
            JsonNode message =
                json.readTree(call("GET", "/operator/v1/queue/" + queueId, true).body());
            return message.path("message").path("recipients").path(0).path("attempts").asInt() >= 1;
          } catch (Exception e) {
            return false;
          }
        });

    HttpResponse<String> list = call("GET", "/operator/v1/queue", true);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(queueId);
    assertThat(list.body()).contains("sender@outside.test");
    assertThat(list.body()).contains("451 4.3.0");
    assertThat(list.body()).doesNotContain("secret body text");
    assertThat(list.body()).doesNotContain(subject);

    assertThat(call("GET", "/operator/v1/queue", false).statusCode()).isEqualTo(401);

    HttpResponse<String> retry = call("POST", "/operator/v1/queue/" + queueId + "/retry", true);
    assertThat(retry.statusCode()).isEqualTo(200);

    HttpResponse<String> deleted = call("DELETE", "/operator/v1/queue/" + queueId, true);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(call("GET", "/operator/v1/queue/" + queueId, true).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/operator/v1/queue/not-an-id", true).statusCode()).isEqualTo(400);
  }

  @Test
  void notificationIsQueuedAndLinkIsNotLogged(CapturedOutput output) throws Exception {
    var token = provisioning.issueToken(Actor.system("test-notify"), CUSTOMER, PRIMARY_USER, true);
    int queued = notifications.sendPending();
    assertThat(queued).isEqualTo(1);

    await(
        "the notification mail",
        () -> PRIMARY.received().stream().anyMatch(r -> r.recipients().contains(PRIMARY_USER)));
    FakeSmtpServer.Received mail =
        PRIMARY.received().stream()
            .filter(r -> r.recipients().contains(PRIMARY_USER))
            .findFirst()
            .orElseThrow();
    assertThat(mail.sender()).isEqualTo("noreply@mx.lifeboat.test");
    assertThat(mail.text()).contains("multipart/alternative");
    assertThat(mail.text()).contains("text/html");
    assertThat(mail.text().replace("=\r\n", "")).contains(token.token());
    assertThat(notifications.sendPending()).isZero();
    assertThat(output.getAll()).doesNotContain(token.token());
  }

  @Test
  void notificationArrivesInUserLanguage() throws Exception {
    String email = "dieter." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    provisioning.put(
        Actor.system("test-notify-de"),
        CUSTOMER,
        new UserDraft(
            email,
            "Dieter <Dev>",
            "Dieter",
            "Dev",
            "de_DE",
            "Europe/Berlin",
            null,
            null,
            null,
            null,
            List.of()));
    var token = provisioning.issueToken(Actor.system("test-notify-de"), CUSTOMER, email, true);
    assertThat(notifications.sendPending()).isEqualTo(1);

    await(
        "the German notification mail",
        () -> PRIMARY.received().stream().anyMatch(r -> r.recipients().contains(email)));
    FakeSmtpServer.Received received =
        PRIMARY.received().stream()
            .filter(r -> r.recipients().contains(email))
            .findFirst()
            .orElseThrow();
    MimeMessage mail =
        new MimeMessage(
            Session.getInstance(new Properties()), new ByteArrayInputStream(received.data()));
    assertThat(mail.getSubject()).isEqualTo("Aktivieren Sie Ihr Standby-Postfach");
    assertThat(mail.getHeader("Content-Language", null)).isEqualTo("de-DE");
    assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
    assertThat(mail.getHeader("Bcc")).isNull();
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    String text = (String) parts.getBodyPart(0).getContent();
    String html = (String) parts.getBodyPart(1).getContent();
    assertThat(text).contains("Hallo Dieter <Dev>,").contains(token.url());
    assertThat(text)
        .contains("läuft am")
        .contains(
            String.valueOf(token.expiry().atZone(java.time.ZoneId.of("Europe/Berlin")).getYear()));
    assertThat(html).contains("Hallo Dieter &lt;Dev&gt;,").doesNotContain("<Dev>");
  }

  @Test
  void healthShowsSmtpAndQueueComponents() throws Exception {
    HttpResponse<String> health = call("GET", "/actuator/health", false);
    JsonNode components = json.readTree(health.body()).path("components");
    assertThat(components.path("smtp").path("status").asString()).isEqualTo("UP");
    assertThat(components.path("smtp").path("details").path("port").asInt()).isEqualTo(smtpPort());
    assertThat(components.path("deliveryQueue").path("status").asString()).isEqualTo("UP");
  }

  @Test
  void metricsCountSessionsMessagesAndDeliveries() throws Exception {
    String subject = "metrics " + UUID.randomUUID();
    queueMessage(subject);
    await("the relay", () -> PRIMARY.received().stream().anyMatch(r -> r.text().contains(subject)));

    String metrics = call("GET", "/actuator/prometheus", true).body();
    assertThat(metrics).contains("lifeboat_smtp_sessions_total");
    assertThat(metrics).contains("lifeboat_smtp_sessions_active");
    assertThat(metrics).contains("lifeboat_smtp_messages_accepted_total");
    assertThat(metrics).contains("lifeboat_smtp_command_seconds_count{command=\"MAIL\"");
    assertThat(metrics).contains("lifeboat_delivery_delivered_total{route=\"primary\"}");
    assertThat(metrics).contains("lifeboat_delivery_queue_depth");
  }
}
