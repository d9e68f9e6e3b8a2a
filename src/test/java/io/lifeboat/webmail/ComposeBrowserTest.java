package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageFlag;
import io.lifeboat.mailstore.StoredMessage;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.smtp.SmtpListener;
import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.HeadlessChromium;
import io.lifeboat.testing.SmtpWire;
import io.lifeboat.testing.WebmailAccounts;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Writing mail in headless Chromium against the running application: drafts, sending, reply and
 * forward, with a {@link FakeSmtpServer} as both the smarthost and the customer's primary server.
 * The message size limit is 2 MB here, so that the over-limit upload stays small.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "lifeboat.smtp.port=0",
      "lifeboat.smtp.hostname=mx.lifeboat.test",
      "lifeboat.smtp.max-message-size=2MB",
      "lifeboat.delivery.poll-interval=PT0.2S",
      "lifeboat.delivery.retry-initial=PT1S",
      "lifeboat.delivery.retry-max=PT2S",
      "lifeboat.delivery.timeout=PT5S",
      "lifeboat.delivery.connect-timeout=PT5S",
      "lifeboat.delivery.notification-interval=PT1H",
      "lifeboat.smarthost.host=127.0.0.1",
      "lifeboat.smarthost.starttls=never"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeBrowserTest {

  private static final String PASSWORD = "Standby2026!";
  private static final FakeSmtpServer OUTSIDE = new FakeSmtpServer();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-compose");
    registry.add("lifeboat.data-dir", dir::toString);
    registry.add("lifeboat.smarthost.port", OUTSIDE::port);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired UserRepository users;
  @Autowired Mailstore mailstore;
  @Autowired SmtpListener smtp;

  private ChromeDriver browser;
  private String customer;
  private String email;
  private String colleague;
  private long userId;

  @BeforeAll
  void signIn() throws IOException {
    HeadlessChromium.assumeInstalled();
    customer = newCustomer();
    email = activeUser(customer, "anna", "Anna Archer");
    colleague = activeUser(customer, "bruno", "Bruno Baker");
    activeUser(newCustomer(), "bruno", "Bruno Outsider");
    userId = users.findByEmail(email).orElseThrow().id();

    browser = HeadlessChromium.start("en-GB", 1280, 900);
    browser.get(base() + "/login");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    waitFor(By.id("folder-list"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    OUTSIDE.close();
  }

  @Test
  void draftReopensAndSendDeliversWithoutBcc() throws Exception {
    String subject = "Figures " + UUID.randomUUID();
    byte[] report = randomBytes(40_000);
    Path file = Files.createTempFile("report", ".pdf");
    Files.write(file, report);

    browser.get(base() + "/");
    waitFor(By.id("compose-link")).click();
    waitFor(By.id("to")).sendKeys("Carol <carol@outside.test>, " + colleague);
    assertThat(browser.findElement(By.id("cc")).isDisplayed()).isFalse();
    browser.findElement(By.id("show-copies")).click();
    assertThat(waitFor(By.id("cc")).isDisplayed()).isTrue();
    assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("cc");
    browser.findElement(By.id("cc")).sendKeys("dan@outside.test");
    browser.findElement(By.id("bcc")).sendKeys("erin@hidden.test");
    browser.findElement(By.id("subject")).sendKeys(subject);
    browser.findElement(By.id("body")).sendKeys("Hello Carol,\nthe figures are attached.");
    browser.findElement(By.id("files")).sendKeys(file.toString());
    browser.findElement(By.id("attach")).click();

    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The draft was saved.");
    assertThat(waitFor(By.id("attachment-list")).getText()).contains(file.getFileName().toString());

    // The draft is listed in Drafts by its recipients and opens again with everything restored.
    long drafts = mailstore.folder(userId, FolderRole.DRAFTS).id();
    browser.get(base() + "/?folder=" + drafts);
    StoredMessage draft = only(subject, FolderRole.DRAFTS).orElseThrow();
    assertThat(waitFor(By.id("row-" + draft.id())).getText()).contains("Carol");
    browser.findElement(By.id("open-" + draft.id())).click();
    assertThat(waitFor(By.id("to")).getDomProperty("value"))
        .isEqualTo("Carol <carol@outside.test>, " + colleague);
    assertThat(browser.findElement(By.id("cc")).isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("cc")).getDomProperty("value"))
        .isEqualTo("dan@outside.test");
    assertThat(browser.findElement(By.id("bcc")).getDomProperty("value"))
        .isEqualTo("erin@hidden.test");
    assertThat(browser.findElement(By.id("subject")).getDomProperty("value")).isEqualTo(subject);
    assertThat(browser.findElement(By.id("body")).getDomProperty("value"))
        .isEqualTo("Hello Carol,\nthe figures are attached.");
    assertThat(browser.findElement(By.id("attachment-list")).getText())
        .contains(file.getFileName().toString());

    browser.findElement(By.id("send")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The message was sent.");
    StoredMessage sent = only(subject, FolderRole.SENT).orElseThrow();
    assertThat(waitFor(By.id("row-" + sent.id())).getText()).contains("Carol");
    assertThat(waitFor(By.id("row-" + sent.id())).getText()).doesNotContain("Anna Archer");
    assertThat(sent.metadata().bcc().getFirst().address()).isEqualTo("erin@hidden.test");
    assertThat(only(subject, FolderRole.DRAFTS)).isEmpty();

    FakeSmtpServer.Received received = awaitOutside(subject);
    assertThat(received.sender()).isEqualTo(email);
    assertThat(received.recipients())
        .containsExactlyInAnyOrder("carol@outside.test", "dan@outside.test", "erin@hidden.test");
    String text = received.text();
    assertThat(text).doesNotContainIgnoringCase("\nBcc:");
    assertThat(text).doesNotContain("erin@hidden.test");
    assertThat(text).contains("Received: from [127.0.0.1]\r\n\tby mx.lifeboat.test");
    MimeMessage message = parse(received.data());
    assertThat(message.getHeader("From", null)).isEqualTo("Anna Archer <" + email + ">");
    assertThat(message.getHeader("Message-ID", null)).endsWith("@mx.lifeboat.test>");
    assertThat(message.getHeader("MIME-Version", null)).isEqualTo("1.0");
    assertThat(message.getSentDate()).isNotNull();
    MimeMultipart mixed = (MimeMultipart) message.getContent();
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(file.getFileName().toString());
    assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(report);

    // The colleague in failover gets the message in the standby Inbox.
    long colleagueId = users.findByEmail(colleague).orElseThrow().id();
    await("colleague inbox", () -> inboxSubjects(colleagueId).contains(subject));
    Files.delete(file);
  }

  @Test
  void replyToSmtpMailSetsThreadHeaders() throws Exception {
    String subject = "Plan " + UUID.randomUUID();
    String messageId = "<orig-" + UUID.randomUUID() + "@outside.test>";
    try (SmtpWire wire = new SmtpWire(smtp.port())) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<frank@outside.test>")).startsWith("250");
      assertThat(wire.command("RCPT TO:<" + email + ">")).startsWith("250");
      assertThat(wire.command("DATA")).startsWith("354");
      wire.write(
          ("From: Frank <frank@outside.test>\r\nTo: "
                  + email
                  + "\r\nCc: "
                  + colleague
                  + "\r\nSubject: "
                  + subject
                  + "\r\nMessage-ID: "
                  + messageId
                  + "\r\nReferences: <root@outside.test>\r\n\r\nShall we meet on Monday?\r\n.\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(wire.reply()).startsWith("250");
    }
    await("delivery to the Inbox", () -> only(subject, FolderRole.INBOX).isPresent());
    StoredMessage original = only(subject, FolderRole.INBOX).orElseThrow();

    browser.get(base() + "/?message=" + original.id());
    waitFor(By.id("reply-all")).click();
    assertThat(waitFor(By.id("to")).getDomProperty("value"))
        .isEqualTo("Frank <frank@outside.test>");
    assertThat(browser.findElement(By.id("cc")).getDomProperty("value")).isEqualTo(colleague);
    assertThat(browser.findElement(By.id("subject")).getDomProperty("value"))
        .isEqualTo("Re: " + subject);
    assertThat(browser.findElement(By.id("body")).getDomProperty("value"))
        .contains("Frank <frank@outside.test> wrote:\n> Shall we meet on Monday?");
    browser.findElement(By.id("body")).sendKeys(Keys.CONTROL, Keys.HOME);
    browser.findElement(By.id("body")).sendKeys("Monday suits me.");
    browser.findElement(By.id("send")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The message was sent.");

    FakeSmtpServer.Received received = awaitOutside("Re: " + subject);
    assertThat(received.recipients()).containsExactly("frank@outside.test");
    MimeMessage reply = parse(received.data());
    assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo(messageId);
    assertThat(jakarta.mail.internet.MimeUtility.unfold(reply.getHeader("References", null)))
        .isEqualTo("<root@outside.test> " + messageId);
    assertThat(((String) reply.getContent())).startsWith("Monday suits me.");
    assertThat(mailstore.message(userId, original.id()).has(MessageFlag.ANSWERED)).isTrue();
  }

  @Test
  void forwardAfterFailbackRelaysToPrimary() throws Exception {
    String subject = "Contract " + UUID.randomUUID();
    byte[] contract = randomBytes(3_000);
    String raw =
        "From: Grace <grace@outside.test>\r\nTo: "
            + email
            + "\r\nSubject: "
            + subject
            + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nSigned copy attached.\r\n"
            + "--b1\r\nContent-Type: application/pdf; name=\"scan0001.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"Contract.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + java.util.Base64.getMimeEncoder().encodeToString(contract)
            + "\r\n--b1--\r\n";
    Path file = Files.createTempFile("forward", ".eml");
    Files.writeString(file, raw, StandardCharsets.US_ASCII);
    long inbox = mailstore.folder(userId, FolderRole.INBOX).id();
    long originalId;
    try (var in = Files.newInputStream(file)) {
      originalId = mailstore.append(userId, inbox, in, java.util.Set.of());
    }
    Files.delete(file);

    // The outage is over: the user is back on the primary server but keeps webmail access.
    users.setFlag(userId, Flag.FAILOVER, false, Instant.now());
    try {
      browser.get(base() + "/?message=" + originalId);
      waitFor(By.id("forward")).click();
      assertThat(waitFor(By.id("subject")).getDomProperty("value")).isEqualTo("Fwd: " + subject);
      assertThat(browser.findElement(By.id("attachment-list")).getText()).contains("Contract.pdf");
      assertThat(browser.findElement(By.id("body")).getDomProperty("value"))
          .contains("Forwarded message")
          .contains("Signed copy attached.");
      browser.findElement(By.id("to")).sendKeys(email);
      browser.findElement(By.id("send")).click();
      assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The message was sent.");

      FakeSmtpServer.Received received = awaitOutside("Fwd: " + subject);
      assertThat(received.recipients()).containsExactly(email);
      MimeMultipart mixed = (MimeMultipart) parse(received.data()).getContent();
      assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("Contract.pdf");
      assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(contract);
      assertThat(only("Fwd: " + subject, FolderRole.INBOX)).isEmpty();
    } finally {
      users.setFlag(userId, Flag.FAILOVER, true, Instant.now());
    }
  }

  @Test
  void overLimitUploadKeepsDraft() throws Exception {
    String subject = "Big " + UUID.randomUUID();
    Path big = Files.createTempFile("big", ".bin");
    Files.write(big, randomBytes(2_500_000));
    Path medium = Files.createTempFile("medium", ".bin");
    Files.write(medium, randomBytes(1_700_000));
    try {
      // The page refuses the file before uploading it and saves the text as a draft.
      browser.get(base() + "/mail/compose");
      waitFor(By.id("subject")).sendKeys(subject);
      browser.findElement(By.id("body")).sendKeys("Keep this text.");
      browser.findElement(By.id("files")).sendKeys(big.toString());
      browser.findElement(By.id("attach")).click();
      WebElement error = waitFor(By.id("client-error"));
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> error.isDisplayed());
      assertThat(error.getText())
          .isEqualTo(
              "These files would make the message larger than 2 MB, so they were not attached."
                  + " Your draft is kept.");
      new WebDriverWait(browser, Duration.ofSeconds(15))
          .until(d -> !browser.findElement(By.id("draft-id")).getDomProperty("value").isEmpty());
      String draftId = browser.findElement(By.id("draft-id")).getDomProperty("value");
      browser.get(base() + "/mail/compose?draft=" + draftId);
      assertThat(waitFor(By.id("subject")).getDomProperty("value")).isEqualTo(subject);
      assertThat(browser.findElement(By.id("body")).getDomProperty("value"))
          .isEqualTo("Keep this text.");

      // A file under the upload limit whose encoding is over the message limit is rejected by
      // the server, which keeps the draft's text.
      browser.findElement(By.id("files")).sendKeys(medium.toString());
      browser.executeScript(
          "document.getElementById('compose-form').setAttribute('data-max-bytes', '999999999')");
      browser.findElement(By.id("attach")).click();
      assertThat(waitFor(By.id("error")).getText())
          .startsWith("The message would be")
          .endsWith(
              "over the limit of 2.0 MB. The new files were not attached, and your draft"
                  + " is kept.");
      assertThat(browser.findElement(By.id("subject")).getDomProperty("value")).isEqualTo(subject);
      assertThat(browser.findElement(By.id("attachment-list")).getText()).isEmpty();
      StoredMessage draft = only(subject, FolderRole.DRAFTS).orElseThrow();
      assertThat(draft.metadata().attachments()).isEmpty();
    } finally {
      Files.delete(big);
      Files.delete(medium);
    }
  }

  @Test
  void recipientLimitIsEnforced() {
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 101; i++) {
      many.append(i == 1 ? "" : ", ").append("r").append(i).append("@outside.test");
    }
    String subject = "Crowd " + UUID.randomUUID();
    browser.get(base() + "/mail/compose");
    waitFor(By.id("subject")).sendKeys(subject);
    browser.executeScript("document.getElementById('to').value = arguments[0]", many.toString());
    browser.findElement(By.id("send")).click();

    assertThat(waitFor(By.id("error")).getText())
        .isEqualTo("This message has 101 recipients, but at most 100 are allowed. Remove some.");
    assertThat(browser.findElement(By.id("to")).getDomProperty("value")).isEqualTo(many.toString());
    assertThat(only(subject, FolderRole.SENT)).isEmpty();
  }

  @Test
  void leavingPageSavesDraft() {
    String subject = "Leaving " + UUID.randomUUID();
    browser.get(base() + "/mail/compose");
    waitFor(By.id("subject")).sendKeys(subject);
    browser.findElement(By.id("back")).click();
    waitFor(By.id("folder-list"));
    await("draft saved on leaving", () -> only(subject, FolderRole.DRAFTS).isPresent());
    long drafts = mailstore.folder(userId, FolderRole.DRAFTS).id();
    long copies =
        mailstore.messages(userId, drafts, 0, 200).messages().stream()
            .filter(m -> subject.equals(m.metadata().subject()))
            .count();
    assertThat(copies).isEqualTo(1);
  }

  @Test
  void completionShowsOnlySameCustomer() throws Exception {
    browser.get(base() + "/mail/compose");
    waitFor(By.id("to")).sendKeys("brun");
    WebElement list = waitFor(By.id("suggestions"));
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> list.isDisplayed());
    assertThat(list.getText()).contains("Bruno Baker");
    assertThat(list.getText()).doesNotContain("Outsider");
    browser.findElement(By.id("to")).sendKeys(Keys.ENTER);
    assertThat(browser.findElement(By.id("to")).getDomProperty("value"))
        .isEqualTo("\"Bruno Baker\" <" + colleague + ">, ");

    HttpResponse<String> json = get("/mail/compose/addresses?q=bruno");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.body()).contains(colleague);
    assertThat(json.body()).doesNotContain("Outsider");
  }

  @Test
  void contactStartsMessage() {
    browser.get(base() + "/mail/contacts?q=bruno");
    waitFor(By.cssSelector("a.write-to")).click();
    assertThat(waitFor(By.id("to")).getDomProperty("value")).isEqualTo(colleague);
  }

  @Test
  void composeFitsNarrowScreen() {
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of("width", 375, "height", 800, "deviceScaleFactor", 1, "mobile", true));
    try {
      browser.get(base() + "/mail/compose");
      waitFor(By.id("send"));
      Object scrollWidth = browser.executeScript("return document.documentElement.scrollWidth");
      Object wide =
          browser.executeScript(
              "return Array.from(document.querySelectorAll('body *'))"
                  + ".filter(e => e.getBoundingClientRect().right > 375)"
                  + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(' ')");
      assertThat(wide).isEqualTo("");
      assertThat(((Number) scrollWidth).intValue()).isLessThanOrEqualTo(375);
      for (String id : List.of("to", "cc", "bcc", "subject", "body", "files")) {
        assertThat(browser.findElements(By.cssSelector("label[for=" + id + "]"))).hasSize(1);
      }
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
    }
  }

  @Test
  void otherFromAddressIsRejected() {
    browser.get(base() + "/mail/compose");
    waitFor(By.id("to")).sendKeys("carol@outside.test");
    String script =
        "var done = arguments[1];"
            + "var data = new FormData(document.getElementById('compose-form'));"
            + "data.set('from', arguments[0]);"
            + "data.set('subject', 'Spoofed');"
            + "data.set('action', 'save');"
            + "fetch('/mail/compose', {method: 'POST', body: data, redirect: 'manual'})"
            + ".then(r => done(r.status));";
    String ceo = "ceo@" + email.substring(email.indexOf('@') + 1);
    Object rejected = browser.executeAsyncScript(script, ceo);
    assertThat(((Number) rejected).intValue()).isEqualTo(403);
    assertThat(only("Spoofed", FolderRole.DRAFTS)).isEmpty();

    // The same request with the user's own address passes, so the 403 came from the From rule.
    Object accepted = browser.executeAsyncScript(script, email.toUpperCase(java.util.Locale.ROOT));
    assertThat(((Number) accepted).intValue()).isEqualTo(0);
    assertThat(only("Spoofed", FolderRole.DRAFTS)).isPresent();
  }

  @Test
  void otherUsersAttachmentIsNotTaken() throws Exception {
    long colleagueId = users.findByEmail(colleague).orElseThrow().id();
    String raw =
        "From: x@outside.test\r\nSubject: Private\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\nx\r\n--b\r\n"
            + "Content-Type: application/pdf\r\n"
            + "Content-Disposition: attachment; filename=\"salary.pdf\"\r\n\r\nsecret\r\n--b--\r\n";
    long inbox = mailstore.folder(colleagueId, FolderRole.INBOX).id();
    long foreign =
        mailstore.append(
            colleagueId,
            inbox,
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)),
            java.util.Set.of());

    String subject = "Borrowed " + UUID.randomUUID();
    browser.get(base() + "/mail/compose");
    waitFor(By.id("subject")).sendKeys(subject);
    browser.executeScript(
        "var keep = document.createElement('input'); keep.type = 'hidden'; keep.name = 'keep';"
            + "keep.value = arguments[0]; document.getElementById('compose-form').appendChild(keep);",
        foreign + ":2");
    browser.findElement(By.id("save-draft")).click();

    assertThat(waitFor(By.id("error")).getText())
        .isEqualTo(
            "An attachment does not exist anymore. Open the draft again from the Drafts folder.");
    assertThat(browser.getPageSource()).doesNotContain("salary.pdf");
    assertThat(only(subject, FolderRole.DRAFTS)).isEmpty();
  }

  @Test
  void sendWithoutCsrfTokenIsRejected() throws Exception {
    String session = browser.manage().getCookieNamed("LIFEBOAT_SESSION").getValue();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/mail/compose"))
                    .header("Cookie", "LIFEBOAT_SESSION=" + session)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "to=victim%40outside.test&subject=x&action=send"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  private Optional<StoredMessage> only(String subject, FolderRole role) {
    long folder = mailstore.folder(userId, role).id();
    return mailstore.messages(userId, folder, 0, 200).messages().stream()
        .filter(m -> subject.equals(m.metadata().subject()))
        .findFirst();
  }

  private List<String> inboxSubjects(long user) {
    long folder = mailstore.folder(user, FolderRole.INBOX).id();
    return mailstore.messages(user, folder, 0, 200).messages().stream()
        .map(m -> m.metadata().subject())
        .toList();
  }

  private static FakeSmtpServer.Received awaitOutside(String subject) {
    await(
        "the fake server to receive " + subject,
        () -> OUTSIDE.received().stream().anyMatch(r -> r.text().contains("Subject: " + subject)));
    return OUTSIDE.received().stream()
        .filter(r -> r.text().contains("Subject: " + subject))
        .findFirst()
        .orElseThrow();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  private static MimeMessage parse(byte[] data) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private HttpResponse<String> get(String path) throws Exception {
    String session = browser.manage().getCookieNamed("LIFEBOAT_SESSION").getValue();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base() + path))
                .header("Cookie", "LIFEBOAT_SESSION=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private WebElement waitFor(By locator) {
    return new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.findElement(locator));
  }

  private String newCustomer() {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    customers.put(
        WebmailAccounts.actor(),
        id,
        new CustomerRequest(
            "Compose " + id,
            List.of(new DomainRequest("c" + id + ".example", "127.0.0.1", OUTSIDE.port())),
            false,
            null,
            null,
            null,
            null));
    return id;
  }

  /** Provisions a user with a password, webmail access and failover switched on. */
  private String activeUser(String customerId, String local, String name) {
    return new WebmailAccounts(provisioning, tokens, directory)
        .create(
            customerId,
            WebmailAccounts.user(local + "@c" + customerId + ".example", name, null, null),
            PASSWORD,
            Flag.ACCESS,
            Flag.FAILOVER);
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
