package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.testing.HeadlessChromium;
import io.lifeboat.testing.WebmailAccounts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Webmail sign-in, sign-out and the ways a session ends, in headless Chromium. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"lifeboat.api.auth-failure-limit=4", "lifeboat.api.auth-lockout=PT10M"})
class WebmailLoginBrowserTest {

  private static final String PASSWORD = "Standby2026!";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-login");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired AuthThrottle throttle;
  @Autowired JdbcClient jdbc;

  private ChromeDriver browser;
  private String customer;
  private String domain;

  @BeforeEach
  void createCustomer() {
    customer = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    domain = "w" + customer + ".example";
    customers.put(
        WebmailAccounts.actor(),
        customer,
        new CustomerRequest(
            "Webmail " + customer,
            List.of(new DomainRequest(domain, "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
  }

  @AfterEach
  void cleanUp() {
    if (browser != null) {
      browser.quit();
    }
    throttle.succeeded("webmail-address:127.0.0.1");
  }

  @Test
  void openMailboxSignsInAndOut() throws IOException {
    String email = activeUser("anna", true);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    signIn(email.toUpperCase(), PASSWORD);

    assertThat(text("signed-in")).contains(email);
    Cookie session = browser.manage().getCookieNamed("LIFEBOAT_SESSION");
    assertThat(session).isNotNull();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Lax");
    long stored =
        jdbc.sql("SELECT COUNT(*) FROM spring_session WHERE principal_name = :p")
            .param("p", email)
            .query(Long.class)
            .single();
    assertThat(stored).isEqualTo(1);

    browser.findElement(By.id("logout")).click();
    assertThat(text("logged-out")).isEqualTo("You have signed out.");
    browser.get(base() + "/");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
  }

  @Test
  void wrongPasswordAndUnknownAddressLookAlike() throws IOException {
    String email = activeUser("ben", true);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    signIn(email, "Wrong2026!");
    String wrongPassword = text("errors");
    signIn("nobody@" + domain, PASSWORD);
    String unknown = text("errors");

    assertThat(wrongPassword).isEqualTo("Wrong email address or password.");
    assertThat(unknown).isEqualTo(wrongPassword);
  }

  @Test
  void closedAccessIsExplained() throws IOException {
    String email = activeUser("carl", false);
    browser = HeadlessChromium.start("de-DE", 1280, 900);
    signIn(email, PASSWORD);
    assertThat(text("errors"))
        .isEqualTo(
            "Ihr Standby-Postfach ist noch nicht freigegeben. Wenden Sie sich an Ihren"
                + " Administrator.");
  }

  @Test
  void repeatedFailuresLockOut() throws IOException {
    String email = activeUser("dora", true);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    for (int attempt = 0; attempt < 4; attempt++) {
      signIn(email, "Wrong2026!");
    }
    signIn(email, PASSWORD);
    assertThat(text("errors")).isEqualTo("Too many failed sign-ins. Try again in a few minutes.");
    throttle.succeeded("webmail-account:" + email);
  }

  @Test
  void passwordResetEndsSession() throws IOException {
    String email = activeUser("eve", true);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    signIn(email, PASSWORD);
    assertThat(text("signed-in")).contains(email);

    IssuedToken reset = provisioning.issueToken(WebmailAccounts.actor(), customer, email, false);
    tokens.setPassword(WebmailAccounts.actor(), email, reset.token(), "Another2027?");
    browser.get(base() + "/");
    assertThat(text("errors")).isEqualTo("Your session has ended. Sign in again.");
  }

  @Test
  void closingAccessEndsSession() throws IOException {
    String email = activeUser("finn", true);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    signIn(email, PASSWORD);
    assertThat(text("signed-in")).contains(email);

    directory.setFlag(WebmailAccounts.actor(), customer, email, Flag.ACCESS, false);
    browser.get(base() + "/");
    assertThat(text("errors")).isEqualTo("Your session has ended. Sign in again.");
  }

  @Test
  void loginWithoutCsrfTokenIsRejected() throws Exception {
    String email = activeUser("gus", true);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "email=" + email + "&password=" + PASSWORD))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  private void signIn(String email, String password) {
    browser.get(base() + "/login");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    WebElement submit = browser.findElement(By.cssSelector("button[type=submit]"));
    submit.click();
    // The response page replaces the form, so an element read next is not one of the old page.
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(ExpectedConditions.stalenessOf(submit));
  }

  private String text(String id) {
    return new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id(id)))
        .getText();
  }

  /** Provisions a user, sets its password with a token and switches access as given. */
  private String activeUser(String local, boolean access) {
    UserDraft user =
        new UserDraft(
            local + "@" + domain,
            local,
            local,
            "Tester",
            "en_GB",
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of());
    Flag[] flags = access ? new Flag[] {Flag.ACCESS} : new Flag[0];
    return new WebmailAccounts(provisioning, tokens, directory)
        .create(customer, user, PASSWORD, flags);
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }
}
