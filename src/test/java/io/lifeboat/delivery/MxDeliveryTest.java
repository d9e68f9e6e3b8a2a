package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testing.FakeDnsServer;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.FakeSmtpServer.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Delivery to domains that no customer hosts, without a smarthost: the MX hosts come from a DNS
 * server on 127.0.0.1, and the MX hosts are fake SMTP servers on 127.0.0.1 and ::1 that share one
 * port.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "lifeboat.smtp.hostname=mx.lifeboat.test",
      "lifeboat.delivery.poll-interval=PT0.2S",
      "lifeboat.delivery.retry-initial=PT1S",
      "lifeboat.delivery.retry-max=PT2S",
      "lifeboat.delivery.timeout=PT3S",
      "lifeboat.delivery.connect-timeout=PT3S",
      "lifeboat.delivery.dns-timeout=PT0.5S",
      "lifeboat.delivery.notification-interval=PT1H",
      "LIFEBOAT_OPERATOR_PASSWORD=operator-test-password"
    })
class MxDeliveryTest {

  private static final Path DATA_DIR = temporaryDataDir();
  private static final FakeSmtpServer IPV4_MX = new FakeSmtpServer();
  private static final FakeDnsServer DNS = startDns();
  private static final InetAddress IPV4 = loopback("127.0.0.1");
  private static final InetAddress IPV6 = loopback("::1");

  /** The sender's domain has only an address record, so bounces go to the IPv4 fake. */
  private static final String SENDER = "sender@implicit.test";

  @Autowired MessageQueue queue;
  @Autowired QueueRepository repository;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.data-dir", DATA_DIR::toString);
    registry.add("lifeboat.delivery.dns-servers", DNS::address);
    registry.add("lifeboat.delivery.mx-port", IPV4_MX::port);
  }

  private static FakeDnsServer startDns() {
    try {
      FakeDnsServer dns = new FakeDnsServer();
      // Listed with the higher preference value first, so that sorting is tested.
      dns.mx("pref.test", 20, "b.pref.test");
      dns.mx("pref.test", 10, "a.pref.test");
      dns.address("a.pref.test", loopback("::1"));
      dns.address("b.pref.test", loopback("127.0.0.1"));
      dns.address("implicit.test", loopback("127.0.0.1"));
      dns.nullMx("nullmx.test");
      dns.silent("slow.test");
      return dns;
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeEach
  void clearServers() {
    IPV4_MX.clear();
  }

  @Test
  void mostPreferredMxGetsMail() throws Exception {
    try (FakeSmtpServer ipv6Mx = new FakeSmtpServer(IPV6, IPV4_MX.port())) {
      String subject = submit("user@pref.test");

      await("delivery to the MX with preference 10", () -> receivedBy(ipv6Mx, subject).isPresent());
      assertThat(receivedBy(IPV4_MX, subject)).isEmpty();
    }
  }

  @Test
  void nextMxIsTriedOnTemporaryFailure() throws Exception {
    try (FakeSmtpServer ipv6Mx = new FakeSmtpServer(IPV6, IPV4_MX.port())) {
      ipv6Mx.modeForEveryDomain(Mode.TEMPORARY_FAILURE);
      String subject = submit("user@pref.test");

      await(
          "delivery to the MX with preference 20", () -> receivedBy(IPV4_MX, subject).isPresent());
      assertThat(receivedBy(ipv6Mx, subject)).isEmpty();
      assertThat(ipv6Mx.mailCommands()).as("MAIL commands at the first MX").isNotEmpty();
    }
  }

  @Test
  void nextMxIsTriedWhenConnectionFails() throws Exception {
    // Nothing listens on ::1 at the MX port, so the MX with preference 10 refuses connections.
    String subject = submit("user@pref.test");

    await("delivery to the MX with preference 20", () -> receivedBy(IPV4_MX, subject).isPresent());
  }

  @Test
  void domainWithoutMxGetsMailAtItsAddress() throws Exception {
    String subject = submit("user@implicit.test");

    await("delivery to the implicit MX", () -> receivedBy(IPV4_MX, subject).isPresent());
  }

  @Test
  void nullMxBouncesAtOnce() throws Exception {
    String recipient = "user-" + UUID.randomUUID() + "@nullmx.test";
    submit(recipient);

    FakeSmtpServer.Received bounce = awaitBounce(recipient);
    assertThat(bounce.text()).contains("Action: failed");
    assertThat(bounce.text()).contains("5.1.10");
    assertThat(bounce.text()).contains("null MX");
  }

  @Test
  void missingDomainBounces() throws Exception {
    String recipient = "user-" + UUID.randomUUID() + "@missing.test";
    submit(recipient);

    FakeSmtpServer.Received bounce = awaitBounce(recipient);
    assertThat(bounce.text()).contains("Action: failed");
    assertThat(bounce.text()).contains("5.1.2");
    assertThat(bounce.text()).contains("NXDOMAIN");
  }

  @Test
  void dnsTimeoutIsRetriedNotBounced() throws Exception {
    String recipient = "user-" + UUID.randomUUID() + "@slow.test";
    String queueId = submitAndReturnId(recipient, "timeout " + UUID.randomUUID());

    await("two attempts", () -> row(queueId).map(r -> r.attempts() >= 2).orElse(false));
    QueueRow row = row(queueId).orElseThrow();
    assertThat(row.state()).isIn("queued", "delivering");
    assertThat(row.lastError()).contains("4.4.3");
    assertThat(IPV4_MX.received()).noneMatch(r -> r.text().contains(recipient));
  }

  private String submit(String recipient) throws IOException {
    String subject = "mx " + UUID.randomUUID();
    submitAndReturnId(recipient, subject);
    return subject;
  }

  private String submitAndReturnId(String recipient, String subject) throws IOException {
    byte[] message =
        ("From: <"
                + SENDER
                + ">\r\nTo: <"
                + recipient
                + ">\r\nSubject: "
                + subject
                + "\r\n\r\n"
                + "body of "
                + subject
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    return queue.submit(
        new Envelope(SENDER, List.of(recipient), false, false),
        Origin.SUBMISSION,
        (queueId, out) -> out.write(message));
  }

  private Optional<QueueRow> row(String queueId) {
    return repository.find(queueId).map(m -> m.recipients().get(0));
  }

  private static Optional<FakeSmtpServer.Received> receivedBy(FakeSmtpServer server, String text) {
    return server.received().stream().filter(r -> r.text().contains(text)).findFirst();
  }

  private static FakeSmtpServer.Received awaitBounce(String recipient) {
    await(
        "a bounce for " + recipient,
        () ->
            IPV4_MX.received().stream()
                .anyMatch(r -> r.recipients().contains(SENDER) && r.text().contains(recipient)));
    return IPV4_MX.received().stream()
        .filter(r -> r.recipients().contains(SENDER) && r.text().contains(recipient))
        .findFirst()
        .orElseThrow();
  }

  /** Waits up to 20 seconds for a condition, failing the test when it never holds. */
  private static void await(String description, BooleanSupplier condition) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + description);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + description);
      }
    }
  }

  private static InetAddress loopback(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path temporaryDataDir() {
    try {
      return Files.createTempDirectory("lifeboat-mx-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
