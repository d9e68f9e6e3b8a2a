package io.lifeboat.smtp;

import static io.lifeboat.testing.MailPathTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.audit.Actor;
import io.lifeboat.delivery.QueueRepository;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.testing.CrashChild;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.SmtpWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The bare {@code RCPT TO:<postmaster>} with {@code lifeboat.smtp.postmaster} set to an address
 * outside the hosted domains: the message is relayed to the smarthost for that one address, while
 * every other outside address is still rejected. The application runs with its own data folder, a
 * fake primary server for example.com and a fake smarthost, all on 127.0.0.1.
 */
class SmtpPostmasterTest {

  private static final String OPERATOR_MAILBOX = "ops@operator.test";
  private static final String HOSTNAME = "mx.postmaster.test";

  @TempDir static Path data;

  private static final FakeSmtpServer PRIMARY = new FakeSmtpServer();
  private static final FakeSmtpServer SMARTHOST = new FakeSmtpServer();
  private static ConfigurableApplicationContext context;
  private static int port;

  @BeforeAll
  static void start() {
    context =
        CrashChild.startApplication(
            "--lifeboat.data-dir=" + data,
            "--server.port=0",
            "--lifeboat.smtp.port=0",
            "--lifeboat.sftp.port=0",
            "--lifeboat.smtp.hostname=" + HOSTNAME,
            "--lifeboat.smtp.postmaster=" + OPERATOR_MAILBOX,
            "--lifeboat.smarthost.host=127.0.0.1",
            "--lifeboat.smarthost.port=" + SMARTHOST.port(),
            "--lifeboat.smarthost.starttls=never",
            "--lifeboat.delivery.poll-interval=PT0.2S",
            "--lifeboat.delivery.notification-interval=PT1H",
            "--LIFEBOAT_OPERATOR_PASSWORD=postmaster-operator",
            "--spring.main.banner-mode=off");
    context
        .getBean(CustomerService.class)
        .put(
            Actor.system("test-setup"),
            "44444",
            new CustomerRequest(
                "Example Ltd",
                List.of(
                    new CustomerRequest.DomainRequest("example.com", "127.0.0.1", PRIMARY.port())),
                false,
                null,
                null,
                null,
                null));
    port = context.getBean(SmtpListener.class).port();
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
    PRIMARY.close();
    SMARTHOST.close();
  }

  @Test
  void barePostmasterIsRelayedToConfiguredAddress() throws Exception {
    String subject = "postmaster " + UUID.randomUUID();
    String queueId;
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<postmaster>")).isEqualTo("250 2.1.5 Ok");
      assertThat(wire.command("DATA")).startsWith("354 ");
      String reply =
          wire.command("To: postmaster\r\nSubject: " + subject + "\r\n\r\nabuse report\r\n.");
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      queueId = reply.substring("250 2.0.0 Ok: queued as ".length());
    }

    await("relay to the smarthost", () -> received(SMARTHOST, subject).isPresent());
    FakeSmtpServer.Received relayed = received(SMARTHOST, subject).orElseThrow();
    assertThat(relayed.sender()).isEqualTo("sender@outside.test");
    assertThat(relayed.recipients()).containsExactly(OPERATOR_MAILBOX);
    assertThat(relayed.text()).contains("Received: from client.test ([127.0.0.1])\r\n");
    assertThat(relayed.text()).contains("by " + HOSTNAME + " (Lifeboat) with ESMTP id " + queueId);
    assertThat(relayed.text()).contains("for <" + OPERATOR_MAILBOX + ">;");
    assertThat(relayed.text()).contains("abuse report");
    assertThat(received(PRIMARY, subject)).isEmpty();
    QueueRepository queue = context.getBean(QueueRepository.class);
    await("removal from the queue", () -> queue.find(queueId).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postmaster", "POSTMASTER", "PostMaster", "@relay.test:postmaster"})
  void barePostmasterIsAcceptedInAnyCase(String path) throws Exception {
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<" + path + ">")).isEqualTo("250 2.1.5 Ok");
      assertThat(wire.command("RSET")).isEqualTo("250 2.0.0 Ok");
    }
  }

  @Test
  void postmasterWithSuffixIsStillInvalid() throws Exception {
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<postmasters>"))
          .isEqualTo("501 5.1.3 address must be local@domain");
      assertThat(wire.command("RCPT TO:<\"postmaster\">"))
          .isEqualTo("501 5.1.3 address must be local@domain");
      // U+017F LATIN SMALL LETTER LONG S upper-cases to S, so equalsIgnoreCase matches it.
      wire.write("RCPT TO:<postma\u017Fter>\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(wire.reply()).isEqualTo("501 5.1.3 address must be local@domain");
    }
  }

  @Test
  void configuredAddressItselfIsNoRelayTarget() throws Exception {
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<" + OPERATOR_MAILBOX + ">"))
          .isEqualTo("550 5.7.1 <" + OPERATOR_MAILBOX + ">: relay access denied");
      assertThat(wire.command("RCPT TO:<OPS@Operator.Test>"))
          .isEqualTo("550 5.7.1 <OPS@Operator.Test>: relay access denied");
    }
  }

  @Test
  void otherOutsideAddressIsRejected() throws Exception {
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<postmaster>")).isEqualTo("250 2.1.5 Ok");
      assertThat(wire.command("RCPT TO:<abuse@operator.test>"))
          .isEqualTo("550 5.7.1 <abuse@operator.test>: relay access denied");
      assertThat(wire.command("RCPT TO:<postmaster@foreign.test>"))
          .isEqualTo("550 5.7.1 <postmaster@foreign.test>: relay access denied");
    }
  }

  @Test
  void postmasterOfHostedDomainStillGoesToPrimary() throws Exception {
    String subject = "hosted postmaster " + UUID.randomUUID();
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("RCPT TO:<postmaster@example.com>")).isEqualTo("250 2.1.5 Ok");
      assertThat(wire.command("DATA")).startsWith("354 ");
      assertThat(wire.command("Subject: " + subject + "\r\n\r\nfor the primary\r\n."))
          .startsWith("250 2.0.0 Ok: queued as ");
    }

    await("relay to the primary server", () -> received(PRIMARY, subject).isPresent());
    assertThat(received(PRIMARY, subject).orElseThrow().recipients())
        .containsExactly("postmaster@example.com");
    assertThat(received(SMARTHOST, subject)).isEmpty();
  }

  @Test
  void repeatedRecipientIsQueuedOnce() throws Exception {
    String subject = "repeated " + UUID.randomUUID();
    String queueId;
    try (SmtpWire wire = new SmtpWire(port)) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).isEqualTo("250 2.1.0 Ok");
      for (String path :
          List.of(
              "postmaster",
              "POSTMASTER",
              "@relay.test:postmaster",
              "postmaster@example.com",
              "PostMaster@Example.com")) {
        assertThat(wire.command("RCPT TO:<" + path + ">")).as(path).isEqualTo("250 2.1.5 Ok");
      }
      assertThat(wire.command("DATA")).startsWith("354 ");
      String reply = wire.command("Subject: " + subject + "\r\n\r\ntwice named\r\n.");
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      queueId = reply.substring("250 2.0.0 Ok: queued as ".length());
    }

    QueueRepository queue = context.getBean(QueueRepository.class);
    await("removal from the queue", () -> queue.find(queueId).isEmpty());
    assertThat(received(SMARTHOST, subject).orElseThrow().recipients())
        .containsExactly(OPERATOR_MAILBOX);
    assertThat(received(PRIMARY, subject).orElseThrow().recipients())
        .containsExactly("postmaster@example.com");
  }

  private static Optional<FakeSmtpServer.Received> received(FakeSmtpServer server, String text) {
    return server.received().stream().filter(r -> r.text().contains(text)).findFirst();
  }
}
