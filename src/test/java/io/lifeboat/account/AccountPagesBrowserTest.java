package io.lifeboat.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.audit.Actor;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.testing.HeadlessChromium;
import io.lifeboat.testing.MutableClock;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The activation and password-reset pages, driven in headless Chromium. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"lifeboat.api.auth-failure-limit=4", "lifeboat.api.auth-lockout=PT10M"})
class AccountPagesBrowserTest {

  private static final String PASSWORD = "Standby2026!";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-account-pages");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @TestConfiguration
  static class Clocks {
    @Bean
    @Primary
    MutableClock testClock() {
      return new MutableClock();
    }
  }

  @LocalServerPort int port;
  @Autowired MutableClock clock;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired UserRepository users;
  @Autowired AuthThrottle throttle;

  private ChromeDriver browser;
  private String customer;
  private String domain;

  @BeforeEach
  void createCustomer() {
    HeadlessChromium.assumeInstalled();
    customer = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    domain = "c" + customer + ".example";
    customers.put(
        actor(),
        customer,
        new CustomerRequest(
            "Pages " + customer,
            List.of(new DomainRequest(domain, "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
    // Failed attempts of one test must not lock the next test out.
    throttle.succeeded("account:127.0.0.1");
  }

  @Test
  void activationSetsPasswordAndFlag() throws IOException {
    String email = provision("anna", "en_GB");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    assertThat(token.url()).contains("/activation?token=");

    browser = HeadlessChromium.start("en-GB", 1280, 900);
    browser.get(local(token.url()));
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .isEqualTo("Activate your standby mailbox");
    assertThat(browser.findElement(By.id("token")).getDomProperty("value"))
        .isEqualTo(token.token());

    browser.findElement(By.id("email")).sendKeys(email.toUpperCase());
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("confirm")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();

    assertThat(waitForHeading()).isEqualTo("Your standby mailbox is activated");
    assertThat(users.findByEmail(email).orElseThrow().activation()).isTrue();
    assertThat(users.passwordHash(users.findByEmail(email).orElseThrow().id()).orElseThrow())
        .startsWith("$argon2id$");
  }

  @Test
  void policyIsCheckedWhileTyping() throws IOException {
    String email = provision("ben", "en_US");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("en-US", 1280, 900);
    browser.get(local(token.url()));

    browser.findElement(By.id("password")).sendKeys("abc");
    assertThat(ruleClass("MIN_LENGTH")).contains("unmet");
    assertThat(ruleClass("LOWER_CASE")).contains("met").doesNotContain("unmet");
    assertThat(ruleClass("UPPER_CASE")).contains("unmet");
    assertThat(ruleClass("DIGIT")).contains("unmet");
    assertThat(ruleClass("SPECIAL")).contains("unmet");

    browser.findElement(By.id("password")).sendKeys("DEF12!");
    for (PasswordPolicy.Rule rule : PasswordPolicy.Rule.values()) {
      assertThat(ruleClass(rule.name())).as(rule.name()).contains("met").doesNotContain("unmet");
    }
    browser.findElement(By.id("confirm")).sendKeys("abcDEF12?");
    assertThat(browser.findElement(By.id("confirm-status")).getText())
        .isEqualTo("The two passwords do not match.");
  }

  @Test
  void serverRejectsBrokenRulesAndKeepsToken() throws IOException {
    String email = provision("carl", "en_GB");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    browser.get(local(token.url()));
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys("lowercase1");
    browser.findElement(By.id("confirm")).sendKeys("lowercase1");
    browser.findElement(By.cssSelector("button[type=submit]")).click();

    WebElement errors =
        new WebDriverWait(browser, Duration.ofSeconds(10))
            .until(d -> d.findElement(By.id("errors")));
    List<String> broken =
        errors.findElements(By.cssSelector(".broken-rules li")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(broken).containsExactly("an upper-case letter", "one of @$!%*?&");
    assertThat(users.findByEmail(email).orElseThrow().activation()).isFalse();

    // The token was not used up by the rejected attempt.
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("confirm")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    assertThat(waitForHeading()).isEqualTo("Your standby mailbox is activated");
  }

  @Test
  void usedAndUnknownTokensGetSameMessage() throws IOException {
    String email = provision("dora", "en_GB");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("en-GB", 1280, 900);

    submit(local(token.url()), email, PASSWORD);
    assertThat(waitForHeading()).isEqualTo("Your standby mailbox is activated");

    submit(local(token.url()), email, PASSWORD);
    String used = errorText();
    submit(baseUrl() + "/activation?token=" + "a".repeat(32), email, PASSWORD);
    String unknown = errorText();
    IssuedToken other =
        provisioning.issueToken(actor(), customer, provision("eve", "en_GB"), false);
    submit(local(other.url()), email, PASSWORD);
    String foreign = errorText();

    IssuedToken late = provisioning.issueToken(actor(), customer, provision("gus", "en_GB"), false);
    clock.advance(Duration.ofDays(8));
    submit(local(late.url()), "gus@" + domain, PASSWORD);
    String expired = errorText();

    assertThat(used).contains("This link is invalid or has expired.");
    assertThat(unknown).isEqualTo(used);
    assertThat(foreign).isEqualTo(used);
    assertThat(expired).isEqualTo(used);
  }

  @Test
  void overlongFormGetsClearMessage() throws Exception {
    HttpClient client = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
    String page =
        client
            .send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/activation")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    java.util.regex.Matcher csrf =
        java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    assertThat(csrf.find()).isTrue();
    String body =
        "_csrf="
            + csrf.group(1)
            + "&email=x%40"
            + domain
            + "&token="
            + "t".repeat(20_000)
            + "&password=Abcdefg1%21&confirm=Abcdefg1%21";
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/activation"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept-Language", "en-GB")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("The form data is too long.");
  }

  @Test
  void resetLinkReplacesPassword() throws IOException {
    String email = provision("finn", "en_GB");
    IssuedToken first = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    submit(local(first.url()), email, PASSWORD);
    waitForHeading();
    long id = users.findByEmail(email).orElseThrow().id();
    String before = users.passwordHash(id).orElseThrow();

    IssuedToken reset = provisioning.issueToken(actor(), customer, email, false);
    assertThat(reset.url()).contains("/password-reset?token=");
    submit(local(reset.url()), email, "Another2027?");

    assertThat(waitForHeading()).isEqualTo("Your new password is set");
    assertThat(users.passwordHash(id).orElseThrow()).isNotEqualTo(before);
  }

  @Test
  void pageSpeaksProvisionedLanguage() throws IOException {
    String email = provision("hana", "ja_JP");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("fr-FR", 1280, 900);

    browser.get(local(token.url()));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("予備メールボックスを有効にする");
    assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("ja-JP");

    browser.get(baseUrl() + "/activation?token=" + "b".repeat(32));
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .isEqualTo("Activer votre boîte aux lettres de secours");
  }

  @Test
  void formFitsPhoneScreen() throws IOException {
    String email = provision("ivan", "ru_RU");
    IssuedToken token = provisioning.issueToken(actor(), customer, email, false);
    browser = HeadlessChromium.start("ru-RU", 375, 812);
    browser.get(local(token.url()));
    long width =
        ((Number)
                ((JavascriptExecutor) browser)
                    .executeScript("return document.documentElement.scrollWidth"))
            .longValue();
    long viewport =
        ((Number) ((JavascriptExecutor) browser).executeScript("return window.innerWidth"))
            .longValue();
    assertThat(width).isLessThanOrEqualTo(viewport);
    assertThat(browser.findElement(By.cssSelector("label[for=password]")).getText())
        .isEqualTo("Новый пароль");
  }

  @Test
  void repeatedBadTokensAreThrottled() throws IOException {
    String email = provision("jack", "en_GB");
    browser = HeadlessChromium.start("en-GB", 1280, 900);
    String message = "";
    for (int attempt = 0; attempt < 6; attempt++) {
      submit(baseUrl() + "/activation?token=" + "c".repeat(32), email, PASSWORD);
      message = errorText();
    }
    assertThat(message).contains("Too many attempts from your network.");
  }

  @Test
  void postWithoutCsrfTokenIsRejected() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/activation"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "email=x%40" + domain + "&token=abc&password=A&confirm=A"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  private void submit(String url, String email, String password) {
    browser.get(url);
    browser.findElement(By.id("email")).clear();
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("confirm")).sendKeys(password);
    browser.findElement(By.cssSelector("button[type=submit]")).click();
  }

  private String errorText() {
    return new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("errors")))
        .getText();
  }

  private String waitForHeading() {
    return new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("done")))
        .getText();
  }

  private String ruleClass(String rule) {
    return browser
        .findElement(By.cssSelector("li.rule[data-rule=" + rule + "]"))
        .getDomAttribute("class");
  }

  private String provision(String local, String language) {
    String email = local + "@" + domain;
    provisioning.put(
        actor(),
        customer,
        new UserDraft(
            email,
            local,
            local,
            "Tester",
            language,
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of("emea")));
    return email;
  }

  /** Points a token link, built on the configured public URL, at this test's server. */
  private String local(String url) {
    return baseUrl() + url.substring(url.indexOf('/', url.indexOf("//") + 2));
  }

  private String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  private static Actor actor() {
    return new Actor("test-" + System.nanoTime(), "test", "127.0.0.1");
  }
}
