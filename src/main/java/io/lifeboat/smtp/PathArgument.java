package io.lifeboat.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The argument of MAIL FROM and RCPT TO: an address in angle brackets followed by ESMTP parameters
 * (RFC 5321 section 4.1.2). A source route such as {@code <@a.example:user@b.example>} is accepted
 * and dropped, as RFC 5321 section C allows.
 *
 * @param address the address without brackets, empty for the null path {@code <>}
 * @param parameters the parameters as written, such as {@code SIZE=1000}
 */
record PathArgument(String address, List<String> parameters) {

  /** Longest path that RFC 5321 section 4.5.3.1.3 requires servers to accept. */
  static final int MAX_PATH_LENGTH = 256;

  /**
   * Parses the text after {@code FROM:} or {@code TO:}; returns null when it is not a path in angle
   * brackets.
   */
  static PathArgument parse(String text) {
    String rest = text.strip();
    if (!rest.startsWith("<")) {
      return null;
    }
    int close = closingBracket(rest);
    if (close < 0) {
      return null;
    }
    String address = rest.substring(1, close);
    if (address.startsWith("@")) {
      int colon = address.indexOf(':');
      if (colon < 0) {
        return null;
      }
      address = address.substring(colon + 1);
    }
    List<String> parameters = new ArrayList<>();
    for (String parameter : rest.substring(close + 1).trim().split(" +")) {
      if (!parameter.isEmpty()) {
        parameters.add(parameter);
      }
    }
    return new PathArgument(address, parameters);
  }

  /** Finds the bracket that closes the path, skipping quoted local parts such as "a>b"@c. */
  private static int closingBracket(String text) {
    boolean quoted = false;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == '>' && !quoted) {
        return i;
      }
    }
    return -1;
  }

  /** Returns why the address is not a valid mailbox, or null when it is. */
  String invalidReason(boolean smtputf8) {
    if (address.length() > MAX_PATH_LENGTH) {
      return "address longer than " + MAX_PATH_LENGTH + " characters";
    }
    int at = address.lastIndexOf('@');
    if (at <= 0 || at == address.length() - 1) {
      return "address must be local@domain";
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        return "address contains a space or control character";
      }
      if (c > 0x7f && !smtputf8) {
        return "address contains non-ASCII characters; use SMTPUTF8";
      }
    }
    return null;
  }

  /** Returns the value of a {@code KEY=value} parameter, or null; keys are case-insensitive. */
  static String valueOf(String parameter, String key) {
    String upper = parameter.toUpperCase(Locale.ROOT);
    return upper.startsWith(key + "=") ? parameter.substring(key.length() + 1) : null;
  }
}
