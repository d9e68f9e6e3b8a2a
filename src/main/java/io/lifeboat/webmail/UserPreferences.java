package io.lifeboat.webmail;

import io.lifeboat.directory.Locales;
import io.lifeboat.web.LocaleNegotiation;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Finds the display settings of the signed-in user, fixes the request's locale to the chosen
 * language and keeps the settings in a cookie. At the first sign-in the language is the best match
 * of the browser's {@code Accept-Language} among the supported locales, then the provisioned
 * language, then British English.
 */
@Component
class UserPreferences {

  static final String COOKIE = "LIFEBOAT_PREFS";

  private final WebmailSettingsRepository repository;

  UserPreferences(WebmailSettingsRepository repository) {
    this.repository = repository;
  }

  WebmailSettings apply(
      WebmailUser user, HttpServletRequest request, HttpServletResponse response) {
    WebmailSettings settings =
        repository
            .find(user.id())
            .orElseGet(
                () -> {
                  WebmailSettings first =
                      WebmailSettings.defaults(firstLanguage(request, user.language()));
                  repository.save(user.id(), first);
                  return first;
                });
    LocaleNegotiation.fix(request, LocaleNegotiation.toLocale(settings.language()));
    writeCookie(settings, request, response);
    return settings;
  }

  void save(
      WebmailUser user,
      WebmailSettings settings,
      HttpServletRequest request,
      HttpServletResponse response) {
    repository.save(user.id(), settings);
    LocaleNegotiation.fix(request, LocaleNegotiation.toLocale(settings.language()));
    writeCookie(settings, request, response);
  }

  static String firstLanguage(HttpServletRequest request, String provisioned) {
    String header = request.getHeader("Accept-Language");
    Locale browser = LocaleNegotiation.fromBrowser(header);
    if (header != null && matchesHeader(header, browser)) {
      return browser.toLanguageTag().replace('-', '_');
    }
    if (provisioned != null && Locales.isSupported(provisioned)) {
      return provisioned;
    }
    return "en_GB";
  }

  /** Tells a real match from the fallback that {@code fromBrowser} returns when none matched. */
  private static boolean matchesHeader(String header, Locale chosen) {
    try {
      return Locale.LanguageRange.parse(header).stream()
          .filter(r -> r.getWeight() > 0)
          .map(r -> Locale.forLanguageTag(r.getRange()).getLanguage())
          .anyMatch(chosen.getLanguage()::equals);
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static void writeCookie(
      WebmailSettings settings, HttpServletRequest request, HttpServletResponse response) {
    Cookie cookie = new Cookie(COOKIE, settings.toCookie());
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSecure(request.isSecure());
    cookie.setMaxAge((int) Duration.ofDays(365).toSeconds());
    cookie.setAttribute("SameSite", "Lax");
    response.addCookie(cookie);
  }
}
