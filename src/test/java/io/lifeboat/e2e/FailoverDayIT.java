package io.lifeboat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lifeboat.e2e.LifeboatApi.Answer;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A day of failover, played from outside against the packaged jar on PostgreSQL: the operator sets
 * up a customer, the customer syncs 50 users over SFTP, users activate in Chromium, an outage is
 * switched on for the group {@code emea}, mail flows in from an outside sender and is read and
 * replied to in the webmail, the process restarts, routing is switched back, outage mail is
 * forwarded to the primary server, the primary server fails and returns, access is switched off, a
 * file that would delete most users is rejected, and the audit log names the actor of every change.
 * Each step is one ordered test method, and after a failed step the rest are skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StopAfterFailedStep.class)
class FailoverDayIT {

  static final String CUSTOMER = "44444";
  static final String OPERATOR_PASSWORD = "Operator-E2e-Pass1";
  static final String SFTP_PASSWORD = "SftpE2ePass1!";
  static final String USER_PASSWORD = "Standby2026!";
  static final String OUTSIDE = "olivia.partner@outside.test";

  /** The emea user who reads, replies and forwards in the webmail. */
  static final String ERIN = "erin.walsh@example.com";

  /** A second emea user, in the other domain, who only activates. */
  static final String ELENA = "elena.rossi@example.net";

  /** An apac user, whose mail keeps going to the primary server. */
  static final String ARJUN = "arjun.mehta@example.com";

  static final Duration MAIL_WAIT = Duration.ofSeconds(30);

  private PostgresSchema schema;
  private Path dataDir;
  private int primaryPort;
  private FakeSmtpServer primary;
  private FakeSmtpServer smarthost;
  private LifeboatProcess lifeboat;
  private LifeboatApi api;
  private Browser erinBrowser;
  private String credential;
  private String credentialUser;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final List<String> erinSubjects = new ArrayList<>();
  private String erinFirstMessageId;

  @BeforeAll
  void startLifeboat() throws Exception {
    HeadlessChromium.assumeInstalled();
    schema = PostgresSchema.create("lifeboat_e2e");
    Path parent = Files.createDirectories(Path.of("target", "e2e"));
    dataDir = Files.createTempDirectory(parent, "failover-day-").toAbsolutePath();
    primaryPort = LifeboatProcess.freePort();
    primary = new FakeSmtpServer(primaryPort);
    smarthost = new FakeSmtpServer();

    Map<String, String> settings = new LinkedHashMap<>(schema.datasourceSettings());
    settings.put("lifeboat.sync.pickup-delay", "100ms");
    settings.put("lifeboat.delivery.retry-initial", "1s");
    settings.put("lifeboat.delivery.retry-max", "2s");
    settings.put("lifeboat.smarthost.host", "127.0.0.1");
    settings.put("lifeboat.smarthost.port", Integer.toString(smarthost.port()));
    settings.put("lifeboat.smarthost.starttls", "never");
    lifeboat =
        new LifeboatProcess(jar(), dataDir, OPERATOR_PASSWORD, settings, schema.environment());
    lifeboat.start();
    api = new LifeboatApi(lifeboat.baseUrl(), OPERATOR_PASSWORD);
  }

  /** Returns the jar that failsafe names in {@code lifeboat.jar}. */
  private static Path jar() {
    String jar = System.getProperty("lifeboat.jar");
    if (jar == null || jar.isBlank()) {
      throw new IllegalStateException(
          "system property lifeboat.jar is missing; run this test with mvn verify, whose"
              + " failsafe configuration sets it to the packaged jar");
    }
    return Path.of(jar);
  }

  @AfterAll
  void stopAll() throws Exception {
    if (erinBrowser != null) {
      erinBrowser.close();
    }
    if (lifeboat != null) {
      lifeboat.close();
    }
    if (primary != null) {
      primary.close();
    }
    if (smarthost != null) {
      smarthost.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  @Order(10)
  void operatorCreatesCustomerWithTwoDomains() throws IOException {
    Map<String, Object> customer = new LinkedHashMap<>();
    customer.put("name", "Example Ltd");
    customer.put(
        "domains",
        List.of(
            Map.of("domain", "example.com", "primaryHost", "127.0.0.1", "primaryPort", primaryPort),
            Map.of(
                "domain", "example.net", "primaryHost", "127.0.0.1", "primaryPort", primaryPort)));
    customer.put("notifications", false);

    Answer created = api.operator("PUT", "/customers/" + CUSTOMER, customer);
    assertThat(created.status()).as("create customer: %s", created).isIn(200, 201);
    Answer read = api.operator("GET", "/customers/" + CUSTOMER, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.toString()).contains("example.com").contains("example.net");

    Answer issued = api.operator("POST", "/customers/" + CUSTOMER + "/credentials", null);
    assertThat(issued.status()).as("new credential: %s", issued).isIn(200, 201);
    credentialUser = issued.string("username");
    assertThat(credentialUser).startsWith(CUSTOMER);
    assertThat(issued.string("password")).isNotBlank();
    credential = credentialUser + ":" + issued.string("password");

    Answer sftp =
        api.operator("PUT", "/customers/" + CUSTOMER + "/sftp", Map.of("password", SFTP_PASSWORD));
    assertThat(sftp.status()).as("SFTP login: %s", sftp).isEqualTo(200);

    Answer users = customerApi("HEAD", "", null);
    assertThat(users.status()).isEqualTo(200);
    assertThat(users.header("User-Count")).isEqualTo("0");
  }

  @Test
  @Order(20)
  void customerSyncsFiftyUsersOverSftp() throws Exception {
    Map<String, Object> report;
    try (SftpDrop drop = new SftpDrop(lifeboat.sftpPort, CUSTOMER, SFTP_PASSWORD)) {
      drop.upload("/upload/users.csv", UserFile.fiftyUsers());
      report = awaitReport(drop, "users");
      String text = drop.read("/reports/" + reportName(drop, "users", ".txt"));
      assertThat(text).contains("applied").contains("50");
    }
    assertThat(report.get("outcome")).isEqualTo("applied");
    assertThat(report.get("created")).isEqualTo(50);
    assertThat(report.get("deleted")).isEqualTo(0);
    assertThat(report.get("errorCount")).isEqualTo(0);

    Answer latest = customerApi("GET", "/sync", null);
    assertThat(latest.map("latest").get("outcome")).isEqualTo("applied");
    assertThat(latest.map("latest").get("source")).isEqualTo("sftp");
    assertThat(customerApi("HEAD", "?group=emea", null).header("User-Count")).isEqualTo("25");
    assertThat(customerApi("HEAD", "?group=apac", null).header("User-Count")).isEqualTo("25");

    // With notifications off, the customer API issues each user's activation token.
    for (String user : List.of(ERIN, ELENA, ARJUN)) {
      Answer token = customerApi("POST", "/" + user + "/token", null);
      assertThat(token.status()).as("token for %s: %s", user, token).isEqualTo(201);
      assertThat(token.string("token")).matches("[a-z0-9]{32}");
      assertThat(token.string("url"))
          .isEqualTo(lifeboat.baseUrl() + "/activation?token=" + token.string("token"));
      assertThat(report.toString()).doesNotContain(token.string("token"));
      tokens.put(user, token.string("url"));
    }
  }

  @Test
  @Order(30)
  void threeUsersActivateInBrowser() throws IOException {
    Map<String, String> confirmations =
        Map.of(
            ELENA, "La casella di riserva è attiva",
            ARJUN, "Your standby mailbox is activated",
            ERIN, "Your standby mailbox is activated");
    for (String user : List.of(ELENA, ARJUN, ERIN)) {
      try (Browser browser = new Browser(lifeboat.baseUrl())) {
        assertThat(browser.activate(tokens.get(user), user, USER_PASSWORD))
            .isEqualTo(confirmations.get(user));
      }
      Answer read = customerApi("GET", "/" + user, null);
      assertThat(read.map("user").get("activation")).as("%s activated", user).isEqualTo(true);
      assertThat(read.map("user").get("access")).as("%s access", user).isEqualTo(false);
    }

    // Activated, but access is still closed, so the webmail rejects the login.
    erinBrowser = new Browser(lifeboat.baseUrl());
    assertThat(erinBrowser.logIn(ERIN, USER_PASSWORD))
        .hasValue("Your standby mailbox is not open yet. Ask your administrator.");
  }

  @Test
  @Order(40)
  void customerSwitchesFailoverAndAccessForEmea() throws IOException {
    Answer failover = customerApi("PUT", "/failover?group=emea", null);
    assertThat(failover.status()).as("failover on: %s", failover).isEqualTo(200);
    assertThat(failover.body().get("affectedUsers")).isEqualTo(25);
    Answer access = customerApi("PUT", "/access?group=emea", null);
    assertThat(access.status()).as("access on: %s", access).isEqualTo(200);
    assertThat(access.body().get("affectedUsers")).isEqualTo(25);

    assertThat(customerApi("HEAD", "?failover=true", null).header("User-Count")).isEqualTo("25");
    assertThat(customerApi("HEAD", "?access=true&group=apac", null).header("User-Count"))
        .isEqualTo("0");
    assertThat(customerApi("GET", "/" + ERIN, null).map("user").get("failover")).isEqualTo(true);
    assertThat(customerApi("GET", "/" + ARJUN, null).map("user").get("failover")).isEqualTo(false);
  }

  @Test
  @Order(50)
  void outsideSenderMailsEmeaAndApacUser() throws Exception {
    OutsideSender outside = new OutsideSender(lifeboat.smtpPort);
    String toErin = subject("Delivery schedule for Erin");
    String toArjun = subject("Delivery schedule for Arjun");
    erinFirstMessageId = outside.send(OUTSIDE, ERIN, toErin, "Erin, the trucks leave at six.");
    assertThat(erinFirstMessageId).isNotBlank();
    assertThat(outside.send(OUTSIDE, ARJUN, toArjun, "Arjun, the ship leaves at noon."))
        .isNotBlank();
    erinSubjects.add(toErin);

    // The apac user is not in failover: Lifeboat relays the mail to the primary server.
    FakeSmtpServer.Received relayed = awaitAt(primary, toArjun);
    assertThat(relayed.recipients()).containsExactly(ARJUN);
    assertThat(relayed.sender()).isEqualTo(OUTSIDE);
    assertThat(relayed.text()).contains("Arjun, the ship leaves at noon.");
  }

  @Test
  @Order(60)
  void emeaUserReadsMailInWebmail() {
    assertThat(erinBrowser.logIn(ERIN, USER_PASSWORD)).isEmpty();
    long id = erinBrowser.awaitMessage(erinSubjects.get(0), MAIL_WAIT);
    Browser.Reading reading = erinBrowser.read(id);
    assertThat(reading.subject()).isEqualTo(erinSubjects.get(0));
    assertThat(reading.from()).contains(OUTSIDE);
    assertThat(reading.body()).contains("Erin, the trucks leave at six.");

    // The mail went to the standby mailbox only, never to the primary server.
    assertThat(primary.received())
        .noneMatch(r -> r.text().contains(erinSubjects.get(0)))
        .noneMatch(r -> r.recipients().contains(ERIN));
    // The apac user has no access to the webmail.
    try (Browser arjun = new Browser(lifeboat.baseUrl())) {
      assertThat(arjun.logIn(ARJUN, USER_PASSWORD))
          .hasValue("Your standby mailbox is not open yet. Ask your administrator.");
    } catch (IOException e) {
      throw new AssertionError("cannot start a second browser", e);
    }
  }

  @Test
  @Order(70)
  void emeaUserRepliesAndReplyReachesOutside() {
    erinBrowser.openInbox();
    long id = erinBrowser.awaitMessage(erinSubjects.get(0), MAIL_WAIT);
    Browser.Compose reply = erinBrowser.reply(id);
    assertThat(reply.to()).contains(OUTSIDE);
    assertThat(reply.subject()).isEqualTo("Re: " + erinSubjects.get(0));
    erinBrowser.send("Six is fine, thank you.\n\n");

    FakeSmtpServer.Received sent = awaitAt(smarthost, "Re: " + erinSubjects.get(0));
    assertThat(sent.recipients()).containsExactly(OUTSIDE);
    assertThat(sent.sender()).isEqualTo(ERIN);
    assertThat(sent.text())
        .contains("Six is fine, thank you.")
        .contains("In-Reply-To: " + erinFirstMessageId);
    assertThat(primary.received()).noneMatch(r -> r.recipients().contains(OUTSIDE));
  }

  @Test
  @Order(80)
  void restartLosesNoMailAndKeepsSessions() throws Exception {
    // The primary server defers mail for a while, so Arjun's copies are still in the queue when
    // the process stops.
    primary.mode(FakeSmtpServer.Mode.TEMPORARY_FAILURE);
    OutsideSender outside = new OutsideSender(lifeboat.smtpPort);
    List<String> subjects = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      String subject = subject("Before the restart " + i);
      outside.send(OUTSIDE, ERIN, subject, "For Erin, number " + i);
      outside.send(OUTSIDE, ARJUN, subject, "For Arjun, number " + i);
      subjects.add(subject);
    }
    assertThat(queuedRecipients()).as("recipients queued before the stop").contains(ARJUN);

    int exitCode = lifeboat.stop();
    assertThat(lifeboat.output())
        .as("graceful shutdown in the log, exit code %d:%n%s", exitCode, lifeboat.tail(30))
        .anyMatch(line -> line.contains("Graceful shutdown complete"));
    primary.mode(FakeSmtpServer.Mode.ACCEPT);
    lifeboat.start();

    // Every message that got 250 before the stop arrives after the start.
    for (String subject : subjects) {
      assertThat(awaitAt(primary, subject).recipients()).containsExactly(ARJUN);
    }
    // Web sessions live in the database, so that any node can serve them: the restart keeps Erin
    // signed in.
    assertThat(erinBrowser.openInbox()).isEmpty();
    for (String subject : subjects) {
      erinBrowser.awaitMessage(subject, MAIL_WAIT);
    }
    erinSubjects.addAll(subjects);
  }

  @Test
  @Order(90)
  void failoverOffSendsNewMailToPrimary() throws Exception {
    Answer off = customerApi("DELETE", "/failover?group=emea", null);
    assertThat(off.status()).as("failover off: %s", off).isEqualTo(200);
    assertThat(off.body().get("affectedUsers")).isEqualTo(25);
    assertThat(customerApi("HEAD", "?failover=true", null).header("User-Count")).isEqualTo("0");

    String after = subject("After the outage");
    new OutsideSender(lifeboat.smtpPort).send(OUTSIDE, ERIN, after, "Back on the primary.");
    FakeSmtpServer.Received relayed = awaitAt(primary, after);
    assertThat(relayed.recipients()).containsExactly(ERIN);

    // Access stays on: Erin still reads the outage mail in the webmail.
    assertThat(erinBrowser.openInbox()).isEmpty();
    erinBrowser.awaitMessage(erinSubjects.get(0), MAIL_WAIT);
  }

  @Test
  @Order(100)
  void forwardedOutageMailReachesPrimary() {
    assertThat(erinBrowser.openInbox()).isEmpty();
    long id = erinBrowser.awaitMessage(erinSubjects.get(1), MAIL_WAIT);
    Browser.Compose forward = erinBrowser.forward(id);
    assertThat(forward.subject()).isEqualTo("Fwd: " + erinSubjects.get(1));
    erinBrowser.sendTo(ERIN, "From the outage, for the archive.\n\n");

    // Failover is off, so mail to Erin's own address goes to the primary server.
    FakeSmtpServer.Received forwarded = awaitAt(primary, "Fwd: " + erinSubjects.get(1));
    assertThat(forwarded.recipients()).containsExactly(ERIN);
    assertThat(forwarded.sender()).isEqualTo(ERIN);
    assertThat(forwarded.text())
        .contains("From the outage, for the archive.")
        .contains("For Erin, number 1");
  }

  @Test
  @Order(110)
  void primaryDownQueuesMailUntilItReturns() throws Exception {
    primary.close();
    String queued = subject("While the primary is down");
    new OutsideSender(lifeboat.smtpPort).send(OUTSIDE, ERIN, queued, "Wait for the primary.");

    AtomicReference<Map<String, Object>> waiting = new AtomicReference<>();
    await()
        .atMost(MAIL_WAIT)
        .untilAsserted(
            () -> {
              Answer queue = api.operator("GET", "/queue", null);
              assertThat(queue.list("messages")).hasSize(1);
              @SuppressWarnings("unchecked")
              Map<String, Object> recipient =
                  ((List<Map<String, Object>>) queue.list("messages").get(0).get("recipients"))
                      .get(0);
              assertThat((Integer) recipient.get("attempts")).isGreaterThanOrEqualTo(2);
              waiting.set(recipient);
            });
    assertThat(waiting.get().get("recipient")).isEqualTo(ERIN);
    assertThat(waiting.get().get("route")).isEqualTo("primary");
    assertThat(waiting.get().get("lastError")).isNotNull();

    primary = new FakeSmtpServer(primaryPort);
    FakeSmtpServer.Received delivered = awaitAt(primary, queued);
    assertThat(delivered.recipients()).containsExactly(ERIN);
    await()
        .atMost(MAIL_WAIT)
        .untilAsserted(
            () -> assertThat(api.operator("GET", "/queue", null).list("messages")).isEmpty());
  }

  @Test
  @Order(120)
  void accessOffEndsSessionAndRejectsLogin() throws IOException {
    Answer off = customerApi("DELETE", "/access?group=emea", null);
    assertThat(off.status()).as("access off: %s", off).isEqualTo(200);
    assertThat(off.body().get("affectedUsers")).isEqualTo(25);

    assertThat(erinBrowser.openInbox()).hasValue("Your session has ended. Sign in again.");
    assertThat(erinBrowser.logIn(ERIN, USER_PASSWORD))
        .hasValue("Your standby mailbox is not open yet. Ask your administrator.");
  }

  @Test
  @Order(130)
  void fileDeletingMostUsersIsRejected() throws Exception {
    Map<String, Object> report;
    try (SftpDrop drop = new SftpDrop(lifeboat.sftpPort, CUSTOMER, SFTP_PASSWORD)) {
      drop.upload("/upload/shrunk.csv", UserFile.firstUsers(5));
      report = awaitReport(drop, "shrunk");
      String text = drop.read("/reports/" + reportName(drop, "shrunk", ".txt"));
      assertThat(text).contains("over-limit");
    }
    assertThat(report.get("outcome")).isEqualTo("over-limit");
    assertThat(report.get("missingUsers")).isEqualTo(45);
    assertThat(report.get("deleted")).isEqualTo(0);
    assertThat(report.get("message").toString()).contains("10");

    assertThat(customerApi("HEAD", "", null).header("User-Count")).isEqualTo("50");
    Answer arjun = customerApi("GET", "/" + ARJUN, null);
    assertThat(arjun.map("user").get("deactivated")).isNull();
    assertThat(arjun.map("user").get("activation")).isEqualTo(true);
  }

  @Test
  @Order(140)
  void auditLogNamesActorOfEveryStep() throws IOException {
    Answer audit = api.operator("GET", "/customers/" + CUSTOMER + "/audit?size=1000", null);
    assertThat(audit.status()).isEqualTo(200);
    List<Map<String, Object>> entries = audit.list("entries");
    String sftp = "sftp:" + CUSTOMER;

    assertThat(count(entries, "customer.created", "operator", null)).isEqualTo(1);
    assertThat(count(entries, "domain.added", "operator", null)).isEqualTo(2);
    assertThat(count(entries, "credential.created", "operator", null)).isEqualTo(1);
    assertThat(count(entries, "sftp.password-set", "operator", null)).isEqualTo(1);
    assertThat(count(entries, "sync.applied", sftp, null)).isEqualTo(1);
    assertThat(count(entries, "user.created", sftp, null)).isEqualTo(50);
    assertThat(count(entries, "token.issued", credentialUser, null)).isEqualTo(3);
    assertThat(count(entries, "account.activated", "token", null)).isEqualTo(3);
    assertThat(count(entries, "flag.set", credentialUser, "failover")).isEqualTo(25);
    assertThat(count(entries, "flag.set", credentialUser, "access")).isEqualTo(25);
    assertThat(count(entries, "flag.cleared", credentialUser, "failover")).isEqualTo(25);
    assertThat(count(entries, "flag.cleared", credentialUser, "access")).isEqualTo(25);
    assertThat(count(entries, "sync.rejected", sftp, null)).isEqualTo(1);
    assertThat(count(entries, "user.deleted", null, null)).isZero();
    // Erin before access was switched on and after it was switched off, and Arjun of apac.
    assertThat(count(entries, "webmail.login-rejected", "webmail", null)).isEqualTo(3);
    assertThat(count(entries, "webmail.login", "webmail", null)).isPositive();
    assertThat(entries)
        .filteredOn(e -> "flag.set".equals(e.get("action")))
        .allSatisfy(e -> assertThat(e.get("clientAddress")).isEqualTo("127.0.0.1"));
    assertThat(audit.toString())
        .doesNotContain(SFTP_PASSWORD)
        .doesNotContain(USER_PASSWORD)
        .doesNotContain(credential.substring(credential.indexOf(':') + 1));
  }

  // Helpers.

  private Answer customerApi(String method, String path, Object body) throws IOException {
    return api.customer(credential, method, "/" + CUSTOMER + path, body);
  }

  /** Returns the recipients of every message in the delivery queue. */
  @SuppressWarnings("unchecked")
  private List<String> queuedRecipients() throws IOException {
    Answer queue = api.operator("GET", "/queue?size=1000", null);
    assertThat(queue.status()).as("queue: %s", queue).isEqualTo(200);
    List<String> recipients = new ArrayList<>();
    for (Map<String, Object> message : queue.list("messages")) {
      for (Map<String, Object> row : (List<Map<String, Object>>) message.get("recipients")) {
        recipients.add((String) row.get("recipient"));
      }
    }
    return recipients;
  }

  private static long count(
      List<Map<String, Object>> entries, String action, String actor, String field) {
    return entries.stream()
        .filter(e -> action.equals(e.get("action")))
        .filter(e -> actor == null || actor.equals(e.get("actor")))
        .filter(e -> field == null || field.equals(e.get("field")))
        .count();
  }

  /** Waits for the JSON report of the newest run of {@code stem}.csv and returns it. */
  private Map<String, Object> awaitReport(SftpDrop drop, String stem) throws IOException {
    await()
        .atMost(MAIL_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> reportName(drop, stem, ".json") != null);
    return LifeboatApi.parse(drop.read("/reports/" + reportName(drop, stem, ".json")));
  }

  private static String reportName(SftpDrop drop, String stem, String suffix) throws IOException {
    return drop.list("/reports").stream()
        .filter(n -> n.startsWith(stem + "_") && n.endsWith(suffix))
        .findFirst()
        .orElse(null);
  }

  private FakeSmtpServer.Received awaitAt(FakeSmtpServer server, String subject) {
    AtomicReference<FakeSmtpServer.Received> found = new AtomicReference<>();
    await()
        .atMost(MAIL_WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (FakeSmtpServer.Received received : server.received()) {
                if (received.text().contains("Subject: " + subject)) {
                  found.set(received);
                  return true;
                }
              }
              return false;
            });
    return found.get();
  }

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** Makes a subject unique to this run, so that no message is mistaken for another. */
  private String subject(String text) {
    return text + " [" + run + "]";
  }
}
