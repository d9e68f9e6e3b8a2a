package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.audit.Actor;
import io.lifeboat.directory.Flag;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.FakeSmtpServer.Mode;
import io.lifeboat.testing.MailPathTest;
import io.lifeboat.testing.SmtpWire;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The delivery queue against a fake primary server that accepts, fails or stalls. */
class DeliveryQueueTest extends MailPathTest {

  @Autowired QueueRepository repository;
  @Autowired CustomerService customerService;
  @LocalServerPort int httpPort;

  @AfterEach
  void restoreFailover() {
    users.setFlag(user(PRIMARY_USER).id(), Flag.FAILOVER, false, Instant.now());
  }

  /** Sends one message over SMTP and returns its queue id. */
  private String send(String sender, String recipient, String subject) throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<" + sender + ">")).startsWith("250 ");
      assertThat(wire.command("RCPT TO:<" + recipient + ">")).startsWith("250 ");
      assertThat(wire.command("DATA")).startsWith("354 ");
      String reply = wire.command("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n.");
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      return reply.substring("250 2.0.0 Ok: queued as ".length());
    }
  }

  private Optional<QueueRow> row(String queueId) {
    return repository.find(queueId).map(m -> m.recipients().get(0));
  }

  private Optional<FakeSmtpServer.Received> receivedWith(String text) {
    return PRIMARY.received().stream().filter(r -> r.text().contains(text)).findFirst();
  }

  private void age(String queueId, Duration age) {
    jdbc.sql("UPDATE queue_message SET received = :t WHERE id = :id")
        .param("t", Timestamp.from(Instant.now().minus(age)))
        .param("id", queueId)
        .update();
  }

  @Test
  void temporaryFailureIsRetriedUntilDelivered() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "retry " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);

    await("a deferred attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));
    QueueRow deferred = row(queueId).orElseThrow();
    assertThat(deferred.state()).isIn("queued", "delivering");
    assertThat(deferred.route()).isEqualTo("primary");
    assertThat(deferred.lastError()).contains("451 4.3.0");

    PRIMARY.mode(Mode.ACCEPT);
    await("delivery after the retry", () -> receivedWith(subject).isPresent());
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
    assertThat(PRIMARY.received().stream().filter(r -> r.text().contains(subject))).hasSize(1);
  }

  @Test
  void postmasterOfHostedDomainGoesToPrimary() throws Exception {
    PRIMARY.mode(Mode.ACCEPT);
    String subject = "postmaster " + UUID.randomUUID();

    String queueId = send("sender@outside.test", "PostMaster@example.com", subject);

    await("delivery to the primary server", () -> receivedWith(subject).isPresent());
    assertThat(receivedWith(subject).orElseThrow().recipients())
        .singleElement()
        .satisfies(to -> assertThat(to).isEqualToIgnoringCase("postmaster@example.com"));
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
  }

  @Test
  void permanentFailureBouncesToSender() throws Exception {
    PRIMARY.mode(Mode.PERMANENT_FAILURE);
    String subject = "bounce " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);

    await(
        "the bounce",
        () -> receivedWith("Subject: " + subject).filter(r -> r.sender().isEmpty()).isPresent());
    FakeSmtpServer.Received bounce =
        receivedWith("Subject: " + subject).filter(r -> r.sender().isEmpty()).orElseThrow();
    assertThat(bounce.recipients()).containsExactly("sender@outside.test");
    String text = bounce.text();
    assertThat(text).contains("Content-Type: multipart/report; report-type=delivery-status");
    assertThat(text).contains("Final-Recipient: rfc822; " + PRIMARY_USER);
    assertThat(text).contains("Action: failed");
    assertThat(text).contains("Status: 5.1.1");
    assertThat(text).contains("X-Lifeboat-Queue-ID: " + queueId);
    assertThat(text).contains("Content-Type: text/rfc822-headers");
    assertThat(text).doesNotContain("body of " + subject);
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
  }

  @Test
  void nullSenderGetsNoBounce() throws Exception {
    PRIMARY.mode(Mode.PERMANENT_FAILURE);
    String subject = "null sender " + UUID.randomUUID();
    String queueId = send("", PRIMARY_USER, subject);

    await("removal from the queue", () -> repository.find(queueId).isEmpty());
    Thread.sleep(500);
    assertThat(PRIMARY.received()).noneMatch(r -> r.text().contains(subject));
  }

  @Test
  void messageIsBouncedWhenRetryPeriodEnds() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "expiry " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);
    await("a deferred attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));

    age(queueId, Duration.ofDays(6));
    await("the bounce", () -> receivedWith("Subject: " + subject).isPresent());
    String text = receivedWith("Subject: " + subject).orElseThrow().text();
    assertThat(text).contains("Action: failed");
    assertThat(text).contains("Status: 4.4.7");
    assertThat(text).contains("451 4.3.0");
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
  }

  @Test
  void delayNoticeIsSentOnceAfterFourHours() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "delay " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);
    await("a deferred attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));

    age(queueId, Duration.ofHours(5));
    await("the delay notice", () -> receivedWith("Subject: " + subject).isPresent());
    int attempts = row(queueId).orElseThrow().attempts();
    await(
        "two more attempts",
        () -> row(queueId).map(r -> r.attempts() >= attempts + 2).orElse(false));
    List<FakeSmtpServer.Received> notices =
        PRIMARY.received().stream().filter(r -> r.text().contains("Subject: " + subject)).toList();
    assertThat(notices).hasSize(1);
    assertThat(notices.get(0).text()).contains("Action: delayed");
    assertThat(notices.get(0).text()).contains("Will-Retry-Until: ");
    assertThat(row(queueId).orElseThrow().state()).isIn("queued", "delivering");
  }

  @Test
  void failoverSwitchWhileQueuedDeliversToStandbyInbox() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "switch " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);
    await("a deferred attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));

    users.setFlag(user(PRIMARY_USER).id(), Flag.FAILOVER, true, Instant.now());
    await(
        "delivery to the standby inbox",
        () -> inbox(PRIMARY_USER).stream().anyMatch(m -> m.contains(subject)));
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
    assertThat(PRIMARY.received()).noneMatch(r -> r.text().contains(subject));
  }

  @Test
  void customerWideFailoverSwitchWakesWaitingMail() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "wake " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);
    await(
        "a deferred attempt",
        () -> row(queueId).map(r -> r.attempts() >= 1 && r.state().equals("queued")).orElse(false));
    // Push the next attempt an hour out, where the default retry-max puts it after a few failures.
    jdbc.sql("UPDATE queue_recipient SET next_attempt = :t WHERE message_id = :id")
        .param("t", Timestamp.from(Instant.now().plus(Duration.ofHours(1))))
        .param("id", queueId)
        .update();
    int attempts = row(queueId).orElseThrow().attempts();

    HttpResponse<String> response = switchFailoverOnForCustomer();

    assertThat(response.statusCode()).as("failover switch: " + response.body()).isEqualTo(200);
    await(
        "delivery to the standby inbox",
        () -> inbox(PRIMARY_USER).stream().anyMatch(m -> m.contains(subject)));
    await("removal from the queue", () -> repository.find(queueId).isEmpty());
    assertThat(PRIMARY.received()).noneMatch(r -> r.text().contains(subject));
    assertThat(attempts).as("attempts before the switch").isEqualTo(1);
  }

  /** Switches failover on for every user of the customer through the customer API. */
  private HttpResponse<String> switchFailoverOnForCustomer() throws Exception {
    CustomerService.NewCredential credential =
        customerService.createCredential(Actor.system("test-setup"), CUSTOMER);
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (credential.username() + ":" + credential.password())
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + httpPort
                        + "/email/continuity/v2/"
                        + CUSTOMER
                        + "/failover"))
            .header("Authorization", "Basic " + basic)
            .PUT(HttpRequest.BodyPublishers.noBody())
            .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void stalledPrimaryTimesOutAndIsRetried() throws Exception {
    PRIMARY.stall(Duration.ofSeconds(5));
    PRIMARY.mode(Mode.STALL);
    String subject = "stall " + UUID.randomUUID();
    String queueId = send("sender@outside.test", PRIMARY_USER, subject);

    await("a timed-out attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));
    assertThat(row(queueId).orElseThrow().lastError()).contains("timed out");
    PRIMARY.mode(Mode.ACCEPT);
    await("delivery after the retry", () -> receivedWith(subject).isPresent());
  }

  @Test
  void eightBitMessageIsRelayedWithBody8bitmime() throws Exception {
    String eight = "eight-" + UUID.randomUUID() + "@outside.test";
    String seven = "seven-" + UUID.randomUUID() + "@outside.test";
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.command("MAIL FROM:<" + eight + "> BODY=8BITMIME");
      wire.command("RCPT TO:<" + PRIMARY_USER + ">");
      wire.command("DATA");
      wire.write("Subject: 8bit\r\n\r\nGr\u00fc\u00dfe\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(wire.command(".")).startsWith("250 ");
      wire.command("MAIL FROM:<" + seven + ">");
      wire.command("RCPT TO:<" + PRIMARY_USER + ">");
      wire.command("DATA");
      assertThat(wire.command("Subject: 7bit\r\n\r\nplain\r\n.")).startsWith("250 ");
    }
    await(
        "both relays",
        () ->
            PRIMARY.mailCommands().stream().anyMatch(c -> c.contains(eight))
                && PRIMARY.mailCommands().stream().anyMatch(c -> c.contains(seven)));
    String eightMail =
        PRIMARY.mailCommands().stream().filter(c -> c.contains(eight)).findFirst().orElseThrow();
    String sevenMail =
        PRIMARY.mailCommands().stream().filter(c -> c.contains(seven)).findFirst().orElseThrow();
    assertThat(eightMail).contains("BODY=8BITMIME");
    assertThat(sevenMail).doesNotContain("BODY=");
  }

  @Test
  void queuedMessageIsEncryptedAtRest() throws Exception {
    PRIMARY.mode(Mode.TEMPORARY_FAILURE);
    String subject = "confidential " + UUID.randomUUID();
    String queueId = send("secret.sender@outside.test", PRIMARY_USER, subject);
    await("a deferred attempt", () -> row(queueId).map(r -> r.attempts() >= 1).orElse(false));

    byte[] spooled = java.nio.file.Files.readAllBytes(DATA_DIR.resolve("spool").resolve(queueId));
    String raw = new String(spooled, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(raw).doesNotContain(subject);
    assertThat(raw).doesNotContain("body of");
    String sender =
        jdbc.sql("SELECT sender_sealed FROM queue_message WHERE id = :id")
            .param("id", queueId)
            .query(String.class)
            .single();
    assertThat(sender).doesNotContain("secret.sender");
    assertThat(row(queueId).orElseThrow().lastError()).contains("451 4.3.0");
  }

  @Test
  void claimSkipsRowsLockedByAnotherTransaction() throws Exception {
    // Rows due only in a year, so that the running workers leave them alone.
    Instant future = Instant.now().plus(Duration.ofDays(365));
    String first = QueueIds.next(System.currentTimeMillis());
    String second = QueueIds.next(System.currentTimeMillis());
    for (String id : List.of(first, second)) {
      transactions.executeWithoutResult(
          s ->
              repository.insert(
                  id,
                  new Envelope("a@outside.test", List.of(FAILOVER_USER), false, false),
                  Origin.SMTP,
                  10,
                  null,
                  null,
                  future));
    }
    Instant claimAt = future.plusSeconds(1);
    java.util.concurrent.CountDownLatch claimed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Long> firstClaim = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread holder =
        Thread.ofVirtual()
            .start(
                () ->
                    transactions.executeWithoutResult(
                        s -> {
                          firstClaim.addAll(repository.claimDue(claimAt, 1, "node-a", claimAt));
                          claimed.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }));
    claimed.await();
    List<Long> secondClaim =
        transactions.execute(s -> repository.claimDue(claimAt, 10, "node-b", claimAt));
    release.countDown();
    holder.join();

    assertThat(firstClaim).hasSize(1);
    assertThat(secondClaim).hasSize(1);
    assertThat(secondClaim).doesNotContainAnyElementsOf(firstClaim);
    transactions.executeWithoutResult(
        s -> {
          repository.delete(first);
          repository.delete(second);
          repository.releaseNode("node-a");
          repository.releaseNode("node-b");
        });
  }

  @Autowired org.springframework.transaction.support.TransactionTemplate transactions;
}
