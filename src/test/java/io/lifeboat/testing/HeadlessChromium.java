package io.lifeboat.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts Debian's Chromium through Debian's chromedriver, headless and without any network access
 * of its own, so that no browser or driver is downloaded at test time.
 */
public final class HeadlessChromium {

  public static final String BROWSER = "/usr/bin/chromium";
  public static final String DRIVER = "/usr/bin/chromedriver";

  private HeadlessChromium() {}

  /** Skips the calling test with a message when Chromium or chromedriver is not installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        new File(BROWSER).canExecute() && new File(DRIVER).canExecute(),
        "browser tests need Debian's chromium and chromium-driver packages"
            + " (apt-get install chromium chromium-driver); skipped");
  }

  /** Starts a browser whose preferred language is {@code acceptLanguage}, e.g. {@code fr}. */
  public static ChromeDriver start(String acceptLanguage, int width, int height)
      throws IOException {
    assumeInstalled();
    Path profile = Files.createTempDirectory("lifeboat-chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--lang=" + acceptLanguage,
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile);
    options.setExperimentalOption(
        "prefs", java.util.Map.of("intl.accept_languages", acceptLanguage));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build();
    return new ChromeDriver(service, options);
  }
}
