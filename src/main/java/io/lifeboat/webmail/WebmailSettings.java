package io.lifeboat.webmail;

import io.lifeboat.directory.Locales;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * A user's display settings. Every value is one of a fixed set, so a cookie or form value that is
 * not in the set is replaced by the default instead of reaching a template.
 *
 * @param language a supported locale code such as {@code de_DE}
 * @param dateFormat {@code DMY}, {@code MDY} or {@code YMD}
 * @param timeFormat {@code 24} or {@code 12}
 * @param font {@code sans}, {@code serif} or {@code mono}
 * @param fontSize {@code small}, {@code medium} or {@code large}
 */
public record WebmailSettings(
    String language, String dateFormat, String timeFormat, String font, String fontSize) {

  static final Set<String> DATE_FORMATS = Set.of("DMY", "MDY", "YMD");
  static final Set<String> TIME_FORMATS = Set.of("24", "12");
  static final Set<String> FONTS = Set.of("sans", "serif", "mono");
  static final Set<String> FONT_SIZES = Set.of("small", "medium", "large");

  public WebmailSettings {
    language = language != null && Locales.isSupported(language) ? language : "en_GB";
    dateFormat = oneOf(DATE_FORMATS, dateFormat, "DMY");
    timeFormat = oneOf(TIME_FORMATS, timeFormat, "24");
    font = oneOf(FONTS, font, "sans");
    fontSize = oneOf(FONT_SIZES, fontSize, "medium");
  }

  private static String oneOf(Set<String> allowed, String value, String fallback) {
    return value != null && allowed.contains(value) ? value : fallback;
  }

  static WebmailSettings defaults(String language) {
    return new WebmailSettings(language, null, null, null, null);
  }

  DateTimeFormatter dateFormatter() {
    String pattern =
        switch (dateFormat) {
          case "MDY" -> "MM/dd/yyyy";
          case "YMD" -> "yyyy-MM-dd";
          default -> "dd.MM.yyyy";
        };
    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
  }

  DateTimeFormatter timeFormatter(Locale locale) {
    return DateTimeFormatter.ofPattern(timeFormat.equals("12") ? "h:mm a" : "HH:mm", locale);
  }

  /** Returns the settings as one cookie value, fields separated by dots. */
  String toCookie() {
    return String.join(".", language, dateFormat, timeFormat, font, fontSize);
  }

  /** Reads a cookie value written by {@link #toCookie}. Unknown fields fall back to defaults. */
  static WebmailSettings fromCookie(String value) {
    String[] fields = value == null ? new String[0] : value.split("\\.", -1);
    return new WebmailSettings(
        field(fields, 0), field(fields, 1), field(fields, 2), field(fields, 3), field(fields, 4));
  }

  private static String field(String[] fields, int index) {
    return index < fields.length ? fields[index] : null;
  }
}
