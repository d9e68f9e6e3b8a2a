package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.testing.HeadlessChromium;
import io.lifeboat.testing.WebmailAccounts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The mailbox view in headless Chromium against the running application: mail delivered through the
 * mailstore's local delivery is listed, read, moved, deleted, exported and searched, and hostile
 * HTML neither runs script nor loads anything from a local test server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailboxBrowserTest {

  private static final String PASSWORD = "Standby2026!";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-mailbox");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired UserRepository users;
  @Autowired LocalDelivery delivery;

  private ChromeDriver browser;
  private String domain;
  private String email;
  private long userId;
  private HttpServer remote;
  private final AtomicInteger remoteRequests = new AtomicInteger();

  @BeforeAll
  void signIn() throws IOException {
    HeadlessChromium.assumeInstalled();
    String customer = newCustomer();
    domain = "m" + customer + ".example";
    email = activeUser(customer, "anna", "Anna Archer", "Finance", "+44 20 7946 0001");
    activeUser(customer, "bruno", "Bruno Baker", "Logistics", "+44 20 7946 0002");
    String other = newCustomer();
    activeUser(other, "bruno", "Bruno Outsider", "Logistics", "+44 20 7946 0003");
    userId = users.findByEmail(email).orElseThrow().id();

    remote = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    remote.createContext(
        "/",
        exchange -> {
          remoteRequests.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    remote.start();

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
    if (remote != null) {
      remote.stop(0);
    }
  }

  @Test
  void deliveredMessageAppearsAfterRefreshAndOpens() throws IOException {
    browser.get(base() + "/");
    waitFor(By.id("folder-list"));
    String subject = "Quarterly figures " + UUID.randomUUID();
    long id = deliver(plain(subject, "The numbers are attached to this line & <b>not</b> bold."));

    browser.findElement(By.id("refresh")).click();
    WebElement row = waitFor(By.id("row-" + id));
    assertThat(row.getText()).contains(subject);
    assertThat(row.getAttribute("class")).contains("unread");
    assertThat(browser.findElement(By.id("folder-list")).getText()).contains("Inbox");

    browser.findElement(By.id("open-" + id)).click();
    assertThat(waitFor(By.id("message-subject")).getText()).isEqualTo(subject);
    assertThat(browser.findElement(By.id("row-" + id)).getAttribute("class"))
        .doesNotContain("unread");
    browser.switchTo().frame(waitFor(By.id("message-body")));
    assertThat(waitFor(By.cssSelector("pre.plain-part")).getText())
        .isEqualTo("The numbers are attached to this line & <b>not</b> bold.");
    browser.switchTo().defaultContent();
  }

  @Test
  void messageMovesToFolderThenTrashThenAway() throws IOException {
    String subject = "Move me " + UUID.randomUUID();
    long id = deliver(plain(subject, "Body"));
    String folderName = "Projects " + ThreadLocalRandom.current().nextInt(1000, 9999);

    browser.get(base() + "/");
    browser.findElement(By.id("new-folder")).sendKeys(folderName);
    browser.findElement(By.id("create-folder")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The folder was created.");

    browser.get(base() + "/?message=" + id);
    new Select(browser.findElement(By.id("move-target"))).selectByVisibleText(folderName);
    browser.findElement(By.id("move")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The message was moved.");
    browser.findElement(By.linkText(folderName)).click();
    assertThat(waitFor(By.id("row-" + id)).getText()).contains(subject);

    browser.findElement(By.id("open-" + id)).click();
    waitFor(By.id("delete")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("The message was moved to Trash.");
    browser.findElement(By.partialLinkText("Trash")).click();
    assertThat(waitFor(By.id("row-" + id)).getText()).contains(subject);

    waitFor(By.id("empty-trash")).click();
    assertThat(waitFor(By.id("notice")).getText()).isEqualTo("Trash is empty.");
    assertThat(browser.findElements(By.id("row-" + id))).isEmpty();
    assertThat(waitFor(By.id("empty-folder")).isDisplayed()).isTrue();
  }

  @Test
  void emlExportIsByteForByte() throws Exception {
    // Bare LF line endings and 8-bit text must survive unchanged.
    byte[] original =
        ("From: Carla <carla@sender.example>\nTo: "
                + email
                + "\nSubject: Export\n"
                + "Content-Type: text/plain; charset=utf-8\n\nGr\u00fc\u00dfe \u20ac\n")
            .getBytes(StandardCharsets.UTF_8);
    long id = deliver(original);

    HttpResponse<byte[]> response = get("/mail/message/" + id + "/eml");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(original);
    assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment;");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void attachmentDownloadKeepsRfc2231Name() throws Exception {
    String raw =
        "From: Carla <carla@sender.example>\r\nTo: "
            + email
            + "\r\nSubject: Attachment\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n"
            + "Content-Disposition: attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E2%82%AC.txt\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + "SGVsbG8gYXR0YWNobWVudA==\r\n--b1--\r\n";
    long id = deliver(raw.getBytes(StandardCharsets.US_ASCII));

    browser.get(base() + "/?message=" + id);
    assertThat(waitFor(By.id("attachment-2")).getText()).isEqualTo("Grüße €.txt");

    HttpResponse<byte[]> response = get("/mail/message/" + id + "/part/2");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.US_ASCII))
        .isEqualTo("Hello attachment");
    assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E2%82%AC.txt");
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/octet-stream");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void searchFindsBySenderAndSubject() throws IOException {
    String marker = "zebra" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
    long bySubject = deliver(plain("Report " + marker, "Body"));
    long other = deliver(plain("Unrelated", "Nothing here"));

    browser.get(base() + "/");
    browser.findElement(By.id("search-query")).sendKeys(marker);
    browser.findElement(By.id("search-submit")).click();
    waitFor(By.id("row-" + bySubject));
    assertThat(browser.findElements(By.id("row-" + other))).isEmpty();

    browser.findElement(By.id("search-query")).clear();
    browser.findElement(By.id("search-query")).sendKeys("carla@sender.example unrelated");
    browser.findElement(By.id("search-submit")).click();
    waitFor(By.id("row-" + other));
    assertThat(browser.findElements(By.id("row-" + bySubject))).isEmpty();
  }

  @Test
  void searchSaysWhenMessagesAreNotIndexed() throws IOException {
    String marker = "okapi" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
    long found = deliver(plain("Report " + marker, "Body"));
    search(marker);
    waitFor(By.id("row-" + found));
    assertThat(browser.findElements(By.id("search-incomplete"))).isEmpty();

    // A message without search terms, as after a crash before the indexer stored them.
    long waiting = deliver(plain("Pending " + marker, "Body"));
    jdbc.sql("UPDATE mail_message SET indexed = FALSE WHERE id = :id")
        .param("id", waiting)
        .update();
    try {
      search(marker);
      assertThat(waitFor(By.id("search-incomplete")).getText()).contains("still being indexed");
    } finally {
      jdbc.sql("UPDATE mail_message SET indexed = TRUE WHERE id = :id")
          .param("id", waiting)
          .update();
    }
  }

  private void search(String query) {
    browser.get(base() + "/");
    browser.findElement(By.id("search-query")).sendKeys(query);
    browser.findElement(By.id("search-submit")).click();
  }

  @Test
  void contactsSearchStaysInCustomer() {
    browser.get(base() + "/mail/contacts?q=bruno");
    String list = waitFor(By.id("contact-list")).getText();
    assertThat(list).contains("Bruno Baker");
    assertThat(list).contains("Logistics");
    assertThat(list).contains("+44 20 7946 0002");
    assertThat(list).doesNotContain("Outsider");

    browser.get(base() + "/mail/contacts?q=%25");
    assertThat(waitFor(By.id("no-contacts")).isDisplayed()).isTrue();
  }

  @Test
  void languageSwitchTranslatesMailbox() {
    browser.get(base() + "/settings");
    new Select(waitFor(By.id("language"))).selectByValue("de_DE");
    new Select(browser.findElement(By.id("time-format"))).selectByValue("12");
    browser.findElement(By.id("save-settings")).click();
    try {
      assertThat(waitFor(By.id("notice")).getText())
          .isEqualTo("Ihre Einstellungen sind gespeichert.");
      assertThat(browser.findElement(By.id("folder-list")).getText()).contains("Posteingang");
      assertThat(browser.findElement(By.id("refresh")).getText()).isEqualTo("Aktualisieren");
    } finally {
      browser.get(base() + "/settings");
      new Select(waitFor(By.id("language"))).selectByValue("en_GB");
      new Select(browser.findElement(By.id("time-format"))).selectByValue("24");
      browser.findElement(By.id("save-settings")).click();
      waitFor(By.id("notice"));
    }
  }

  @Test
  void hostileMailRunsNoScriptAndLoadsNothing() throws Exception {
    String server = "http://127.0.0.1:" + remote.getAddress().getPort();
    String html =
        "<html><head><meta http-equiv=\"refresh\" content=\"0;url="
            + server
            + "/meta\">"
            + "<style>@import url("
            + server
            + "/import.css); body{background:url("
            + server
            + "/bg.png)} p{width:expression(top.document.title='css')}</style>"
            + "<link rel=\"stylesheet\" href=\""
            + server
            + "/link.css\">"
            + "<base href=\""
            + server
            + "/\"></head><body>"
            + "<script>top.document.title='script';fetch('"
            + server
            + "/script')</script>"
            + "<img src=x onerror=\"top.document.title='onerror'\">"
            + "<img src=\""
            + server
            + "/tracking.gif\" width=1 height=1>"
            + "<img srcset=\""
            + server
            + "/srcset.png 2x\">"
            + "<svg onload=\"top.document.title='svg'\"><image href=\""
            + server
            + "/svg.png\"/></svg>"
            + "<a id=\"js-link\" href=\"javascript:top.document.title='js'\">click</a>"
            + "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>"
            + "<iframe src=\""
            + server
            + "/frame\"></iframe>"
            + "<object data=\""
            + server
            + "/object\"></object>"
            + "<form action=\""
            + server
            + "/form\"><input name=q></form>"
            + "<div style=\"background-image:url("
            + server
            + "/style.png)\">styled</div>"
            + "<noscript><p title=\"</noscript><img src=x onerror=top.document.title='mxss'>\">"
            + "</noscript>"
            + "<math><mtext><table><mglyph><style><img src=x onerror=top.document.title='mxss2'>"
            + "</style></mglyph></table></mtext></math>"
            + "<p id=\"visible\">Hostile but readable</p></body></html>";
    String raw =
        "From: Mallory <mallory@evil.example>\r\nTo: "
            + email
            + "\r\nSubject: Hostile\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n\r\n"
            + html
            + "\r\n";
    long id = deliver(raw.getBytes(StandardCharsets.UTF_8));

    browser.get(base() + "/?message=" + id);
    String title = browser.getTitle();
    browser.switchTo().frame(waitFor(By.id("message-body")));
    assertThat(waitFor(By.xpath("//p[text()='Hostile but readable']")).getText())
        .isEqualTo("Hostile but readable");
    assertThat(browser.findElements(By.tagName("script"))).isEmpty();
    assertThat(browser.findElements(By.tagName("iframe"))).isEmpty();
    assertThat(browser.findElements(By.tagName("form"))).isEmpty();
    assertThat(browser.findElements(By.tagName("svg"))).isEmpty();
    assertThat(browser.findElement(By.linkText("click")).getAttribute("href")).isNull();
    assertThat(waitFor(By.id("remote-blocked")).isDisplayed()).isTrue();
    browser.findElement(By.linkText("click")).click();
    browser.switchTo().defaultContent();
    Thread.sleep(1500);
    assertThat(browser.getTitle()).isEqualTo(title);
    assertThat(browser.getCurrentUrl()).isEqualTo(base() + "/?message=" + id);
    assertThat(remoteRequests.get()).isZero();

    HttpResponse<byte[]> body = get("/mail/message/" + id + "/body");
    String policy = body.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("default-src 'none'");
    assertThat(policy).contains("img-src 'self';");
    assertThat(policy).doesNotContain("script-src");

    // Allowing remote content for this message loads the tracking image and nothing else runs.
    browser.switchTo().frame(waitFor(By.id("message-body")));
    waitFor(By.id("show-remote")).click();
    waitFor(By.xpath("//p[text()='Hostile but readable']"));
    browser.switchTo().defaultContent();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> remoteRequests.get() > 0);
    assertThat(browser.getTitle()).isEqualTo(title);
  }

  @Test
  void inlineCidImageIsShown() throws Exception {
    // A 1x1 PNG.
    String png =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    String raw =
        "From: Carla <carla@sender.example>\r\nTo: "
            + email
            + "\r\nSubject: Inline image\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/related; boundary=\"r1\"\r\n\r\n"
            + "--r1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<p>Logo: <img id=\"logo\" src=\"cid:logo@sender.example\" alt=\"logo\"></p>\r\n"
            + "--r1\r\nContent-Type: image/png\r\nContent-ID: <logo@sender.example>\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + png
            + "\r\n--r1--\r\n";
    long id = deliver(raw.getBytes(StandardCharsets.US_ASCII));

    browser.get(base() + "/?message=" + id);
    browser.switchTo().frame(waitFor(By.id("message-body")));
    WebElement logo = waitFor(By.cssSelector("img[alt=logo]"));
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(d -> "1".equals(logo.getDomProperty("naturalWidth")));
    assertThat(logo.getAttribute("src"))
        .endsWith("/mail/message/" + id + "/cid/logo%40sender.example");
    browser.switchTo().defaultContent();
  }

  @Test
  void narrowScreenStacksPanes() throws IOException {
    long id = deliver(plain("Phone " + UUID.randomUUID(), "Small screen"));
    // Window sizes have a platform minimum, so the phone viewport is emulated.
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        java.util.Map.of("width", 375, "height", 800, "deviceScaleFactor", 1, "mobile", true));
    try {
      browser.get(base() + "/?message=" + id);
      WebElement list = waitFor(By.id("message-list"));
      WebElement pane = waitFor(By.id("reading-pane"));
      Object scrollWidth = browser.executeScript("return document.documentElement.scrollWidth");
      Object innerWidth = browser.executeScript("return window.innerWidth");
      assertThat(((Number) innerWidth).intValue()).isEqualTo(375);
      assertThat(((Number) scrollWidth).intValue()).isLessThanOrEqualTo(375);
      assertThat(pane.getLocation().getY()).isGreaterThan(list.getLocation().getY());
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
    }
  }

  @Test
  void messageOverPartLimitShowsNotice() throws Exception {
    long id = deliver(overPartLimit());

    HttpResponse<byte[]> body = get("/mail/message/" + id + "/body");
    assertThat(body.statusCode()).isEqualTo(200);
    assertThat(new String(body.body(), StandardCharsets.UTF_8))
        .contains("id=\"malformed\"")
        .contains("download the .eml file");
    assertThat(body.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'");
    assertThat(get("/mail/message/" + id + "/eml").statusCode()).isEqualTo(200);
  }

  @Test
  void replyToMessageOverPartLimitOpens() throws Exception {
    long id = deliver(overPartLimit());

    for (String action : List.of("reply", "replyAll", "forward")) {
      HttpResponse<byte[]> page = get("/mail/compose?" + action + "=" + id);
      assertThat(page.statusCode()).as(action).isEqualTo(200);
      assertThat(new String(page.body(), StandardCharsets.UTF_8)).as(action).contains("Many parts");
    }
  }

  /** Builds a message with 600 parts and no text part, over the parser's default limit of 512. */
  private static byte[] overPartLimit() {
    StringBuilder raw =
        new StringBuilder(
            "From: Carla <carla@sender.example>\r\nSubject: Many parts\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n");
    for (int i = 0; i < 600; i++) {
      raw.append("--b\r\nContent-Type: application/octet-stream\r\n\r\npart ")
          .append(i)
          .append("\r\n");
    }
    raw.append("--b--\r\n");
    return raw.toString().getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void otherUsersMessageIsNotFound() throws Exception {
    long brunoId = users.findByEmail("bruno@" + domain).orElseThrow().id();
    Path file = Files.createTempFile("lifeboat-mailbox-test", ".eml");
    Files.write(file, plain("For Bruno only", "Private"));
    delivery.deliverToInbox(brunoId, UUID.randomUUID().toString(), file);
    Files.delete(file);
    long id =
        jdbc.sql("SELECT MAX(id) FROM mail_message WHERE user_id = :user")
            .param("user", brunoId)
            .query(Long.class)
            .single();

    assertThat(get("/mail/message/" + id + "/eml").statusCode()).isEqualTo(404);
    assertThat(get("/mail/message/" + id + "/body").statusCode()).isEqualTo(404);
    browser.get(base() + "/?message=" + id);
    assertThat(waitFor(By.id("error")).getText())
        .isEqualTo("This message or folder does not exist anymore.");
    assertThat(browser.getPageSource()).doesNotContain("For Bruno only");
  }

  @Test
  void firstSignInPicksBrowserLanguage() throws IOException {
    String customer = domain.substring(1, domain.indexOf('.'));
    String german = activeUser(customer, "dora", "Dora Dean", null, null);
    String unsupported = activeUser(customer, "emil", "Emil Ernst", null, null);
    jdbc.sql("UPDATE mail_user SET language = 'fr_FR' WHERE email IN (:a, :b)")
        .param("a", german)
        .param("b", unsupported)
        .update();

    assertThat(folderListIn("de-DE", german)).contains("Posteingang");
    assertThat(folderListIn("ko-KR", unsupported)).contains("Boîte de réception");
  }

  /** Signs in with a fresh browser of the given language and returns the folder list text. */
  private String folderListIn(String language, String address) throws IOException {
    ChromeDriver other = HeadlessChromium.start(language, 1280, 900);
    try {
      other.get(base() + "/login");
      other.findElement(By.id("email")).sendKeys(address);
      other.findElement(By.id("password")).sendKeys(PASSWORD);
      other.findElement(By.cssSelector("button[type=submit]")).click();
      return new WebDriverWait(other, Duration.ofSeconds(15))
          .until(d -> d.findElement(By.id("folder-list")))
          .getText();
    } finally {
      other.quit();
    }
  }

  private byte[] plain(String subject, String body) {
    return ("From: Carla <carla@sender.example>\r\nTo: "
            + email
            + "\r\nSubject: "
            + subject
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + body
            + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Delivers a raw message to the signed-in user's Inbox and returns its id. */
  private long deliver(byte[] raw) throws IOException {
    Path file = Files.createTempFile("lifeboat-mailbox-test", ".eml");
    try {
      Files.write(file, raw);
      delivery.deliverToInbox(userId, UUID.randomUUID().toString(), file);
    } finally {
      Files.delete(file);
    }
    return jdbcLatestMessage();
  }

  @Autowired org.springframework.jdbc.core.simple.JdbcClient jdbc;

  private long jdbcLatestMessage() {
    return jdbc.sql("SELECT MAX(id) FROM mail_message WHERE user_id = :user")
        .param("user", userId)
        .query(Long.class)
        .single();
  }

  /** Fetches a path with the browser's session cookie. */
  private HttpResponse<byte[]> get(String path) throws Exception {
    String session = browser.manage().getCookieNamed("LIFEBOAT_SESSION").getValue();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base() + path))
                .header("Cookie", "LIFEBOAT_SESSION=" + session)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private WebElement waitFor(By locator) {
    return new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.findElement(locator));
  }

  private String newCustomer() {
    String customer = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    customers.put(
        WebmailAccounts.actor(),
        customer,
        new CustomerRequest(
            "Mailbox " + customer,
            List.of(new DomainRequest("m" + customer + ".example", "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
    return customer;
  }

  private String activeUser(
      String customer, String local, String name, String department, String phone) {
    return new WebmailAccounts(provisioning, tokens, directory)
        .create(
            customer,
            WebmailAccounts.user(local + "@m" + customer + ".example", name, department, phone),
            PASSWORD,
            Flag.ACCESS);
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
