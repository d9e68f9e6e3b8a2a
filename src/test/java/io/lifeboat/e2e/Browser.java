package io.lifeboat.e2e;

import io.lifeboat.testing.HeadlessChromium;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One user's headless Chromium on Lifeboat's account pages and webmail. Methods act as the user
 * would (type, click, follow links) and return what the page then shows, for the test to assert.
 */
public final class Browser implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final ChromeDriver driver;
  private final String baseUrl;

  public Browser(String baseUrl) throws IOException {
    this.baseUrl = baseUrl;
    this.driver = HeadlessChromium.start("en-GB", 1280, 900);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /**
   * Sets a password on an activation link and returns the heading of the confirmation page, which
   * is in the user's language.
   */
  public String activate(String url, String email, String password) {
    driver.get(url);
    driver.findElement(By.id("email")).sendKeys(email);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("confirm")).sendKeys(password);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    return waitFor(By.id("done"), h -> true).getText();
  }

  /**
   * Signs in on {@code /login}. Returns empty when the mailbox opened, or the error shown on the
   * login page.
   */
  public Optional<String> logIn(String email, String password) {
    driver.get(baseUrl + "/login");
    driver.findElement(By.id("email")).sendKeys(email);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(driver, WAIT)
        .until(d -> !d.findElements(By.id("folder-list")).isEmpty() || loginError().isPresent());
    return loginError();
  }

  /** Returns the error message on the login page, if the browser shows one. */
  public Optional<String> loginError() {
    List<WebElement> errors = driver.findElements(By.id("errors"));
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0).getText());
  }

  /** Loads the Inbox. Returns the login page's error when the session has ended instead. */
  public Optional<String> openInbox() {
    driver.get(baseUrl + "/");
    new WebDriverWait(driver, WAIT)
        .until(d -> !d.findElements(By.id("folder-list")).isEmpty() || onLoginPage());
    return onLoginPage() ? Optional.of(loginError().orElse("")) : Optional.empty();
  }

  public boolean onLoginPage() {
    return driver.getCurrentUrl().startsWith(baseUrl + "/login");
  }

  /**
   * Reloads the Inbox until a message with {@code subject} is listed, as a user pressing Refresh
   * would, and returns its id. Fails after {@code timeout}.
   */
  public long awaitMessage(String subject, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      driver.get(baseUrl + "/");
      for (WebElement row : driver.findElements(By.cssSelector("#message-list tr[id^=row-]"))) {
        if (row.getText().contains(subject)) {
          return Long.parseLong(row.getAttribute("id").substring("row-".length()));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no message with subject " + subject + " in the Inbox after " + timeout);
      }
      sleep(Duration.ofMillis(500));
    }
  }

  /** Opens a listed message and returns what the reading pane shows. */
  public Reading read(long messageId) {
    driver.findElement(By.id("open-" + messageId)).click();
    String subject = waitFor(By.id("message-subject"), e -> true).getText();
    String from = driver.findElement(By.id("message-from")).getText();
    driver.switchTo().frame(waitFor(By.id("message-body"), e -> true));
    String body = waitFor(By.tagName("body"), e -> !e.getText().isBlank()).getText();
    driver.switchTo().defaultContent();
    return new Reading(subject, from, body);
  }

  /** The reading pane of one message. */
  public record Reading(String subject, String from, String body) {}

  /** The compose page's prefilled To and Subject. */
  public record Compose(String to, String subject) {}

  /** Opens a message, presses Reply and returns the prefilled compose page. */
  public Compose reply(long messageId) {
    return startCompose(messageId, "reply");
  }

  /** Opens a message, presses Forward and returns the prefilled compose page. */
  public Compose forward(long messageId) {
    return startCompose(messageId, "forward");
  }

  private Compose startCompose(long messageId, String button) {
    driver.get(baseUrl + "/?message=" + messageId);
    waitFor(By.id(button), e -> true).click();
    waitFor(By.id("compose-form"), e -> true);
    return new Compose(
        driver.findElement(By.id("to")).getDomProperty("value"),
        driver.findElement(By.id("subject")).getDomProperty("value"));
  }

  /** Adds {@code to} to the open compose page's To field, then sends as {@link #send}. */
  public void sendTo(String to, String text) {
    driver.findElement(By.id("to")).sendKeys(to);
    send(text);
  }

  /**
   * Types {@code text} at the start of the open compose page's message, above any quoted text,
   * presses Send and waits for the mailbox's notice.
   */
  public void send(String text) {
    WebElement body = driver.findElement(By.id("body"));
    body.sendKeys(Keys.chord(Keys.CONTROL, Keys.HOME));
    body.sendKeys(text);
    driver.findElement(By.id("send")).click();
    waitFor(By.id("notice"), e -> true);
  }

  /** Signs out with the mailbox's Sign out button. */
  public void logOut() {
    driver.get(baseUrl + "/");
    waitFor(By.id("logout"), e -> true).click();
    new WebDriverWait(driver, WAIT).until(d -> onLoginPage());
  }

  private WebElement waitFor(By locator, java.util.function.Predicate<WebElement> condition) {
    return new WebDriverWait(driver, WAIT)
        .until(
            d -> {
              List<WebElement> found = d.findElements(locator);
              return found.isEmpty() || !condition.test(found.get(0)) ? null : found.get(0);
            });
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the Inbox", e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
