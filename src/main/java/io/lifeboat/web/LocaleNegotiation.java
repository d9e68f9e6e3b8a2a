package io.lifeboat.web;

import io.lifeboat.directory.Locales;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Chooses the language of every page: a locale a controller fixed for the request (for example the
 * user's provisioned language), else the best of the browser's {@code Accept-Language} among the
 * supported locales, else British English.
 */
@Component("localeResolver")
public class LocaleNegotiation implements LocaleResolver {

  public static final Locale FALLBACK = Locale.forLanguageTag("en-GB");
  private static final String ATTRIBUTE = LocaleNegotiation.class.getName() + ".locale";
  private static final List<Locale> SUPPORTED =
      Locales.SUPPORTED.stream().map(LocaleNegotiation::toLocale).toList();

  /** Returns the Java locale of a supported code such as {@code de_DE}. */
  public static Locale toLocale(String code) {
    return Locale.forLanguageTag(code.replace('_', '-'));
  }

  /** Fixes the locale of the current request, overriding the browser's preference. */
  public static void fix(HttpServletRequest request, Locale locale) {
    request.setAttribute(ATTRIBUTE, locale);
  }

  @Override
  public Locale resolveLocale(HttpServletRequest request) {
    if (request.getAttribute(ATTRIBUTE) instanceof Locale fixed) {
      return fixed;
    }
    return fromBrowser(request.getHeader("Accept-Language"));
  }

  @Override
  public void setLocale(HttpServletRequest request, HttpServletResponse response, Locale locale) {
    fix(request, locale);
  }

  /**
   * Returns the supported locale that best fits an {@code Accept-Language} header: for each range
   * in the browser's order, an exact match first, then the first supported locale of the same
   * language.
   */
  public static Locale fromBrowser(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.isBlank()) {
      return FALLBACK;
    }
    List<Locale.LanguageRange> ranges;
    try {
      ranges = Locale.LanguageRange.parse(acceptLanguage);
    } catch (IllegalArgumentException malformed) {
      return FALLBACK;
    }
    for (Locale.LanguageRange range : ranges) {
      if (range.getWeight() == 0 || "*".equals(range.getRange())) {
        continue;
      }
      Locale wanted = Locale.forLanguageTag(range.getRange());
      for (Locale candidate : SUPPORTED) {
        if (candidate.toLanguageTag().equalsIgnoreCase(range.getRange())) {
          return candidate;
        }
      }
      for (Locale candidate : SUPPORTED) {
        if (candidate.getLanguage().equals(wanted.getLanguage())) {
          return candidate;
        }
      }
    }
    return FALLBACK;
  }
}
