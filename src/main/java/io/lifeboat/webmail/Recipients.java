package io.lifeboat.webmail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.support.DefaultMessageSourceResolvable;

/** Parses the To, Cc and Bcc fields of the compose form. */
final class Recipients {

  private Recipients() {}

  /**
   * Parses a comma-separated list such as {@code Anna <anna@example.com>, bob@example.com}. A
   * semicolon also separates addresses, as Outlook users type them. Addresses already in {@code
   * seen} (lower-cased) are dropped, so a recipient gets one copy. New ones are added to it.
   *
   * @param field the form field, {@code to}, {@code cc} or {@code bcc}, for the error message
   * @throws ComposeException naming the first invalid address
   */
  static List<InternetAddress> parse(String field, String value, Set<String> seen)
      throws ComposeException {
    List<InternetAddress> result = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return result;
    }
    String text = semicolonsToCommas(value);
    if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw invalid(field, value.strip());
    }
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parse(text, true);
    } catch (AddressException e) {
      throw invalid(field, e.getRef() == null ? value.strip() : e.getRef());
    }
    for (InternetAddress address : parsed) {
      String plain = address.getAddress();
      try {
        address.validate();
      } catch (AddressException e) {
        throw invalid(field, plain);
      }
      int at = plain.lastIndexOf('@');
      if (at <= 0 || at == plain.length() - 1 || !isAscii(plain)) {
        throw invalid(field, plain);
      }
      if (seen.add(plain.toLowerCase(Locale.ROOT))) {
        result.add(address);
      }
    }
    return result;
  }

  /** Replaces semicolons outside quoted display names with commas. */
  private static String semicolonsToCommas(String value) {
    StringBuilder text = new StringBuilder(value.length());
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && quoted && i + 1 < value.length()) {
        text.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      text.append(c == ';' && !quoted ? ',' : c);
    }
    return text.toString();
  }

  private static boolean isAscii(String text) {
    return text.chars().allMatch(c -> c < 0x80);
  }

  private static ComposeException invalid(String field, String value) {
    return new ComposeException(
        "compose.error.address",
        "invalid address '" + value + "' in " + field + "; use name@domain",
        value,
        new DefaultMessageSourceResolvable("compose." + field));
  }
}
