package io.lifeboat.smtp;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes the {@code Received} trace header (RFC 5321 section 4.4) that starts every message. */
final class ReceivedHeader {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
  private static final int MAX_HELO_LENGTH = 255;

  private ReceivedHeader() {}

  /**
   * Returns the header with CRLF line endings. The {@code for} clause names the recipient only when
   * there is exactly one, so that a copy does not reveal the other recipients.
   */
  static String format(
      String helo,
      String clientIp,
      String hostname,
      String protocol,
      String queueId,
      List<String> recipients,
      ZonedDateTime time) {
    StringBuilder header = new StringBuilder("Received: from ");
    header.append(sanitize(helo)).append(" ([").append(clientIp).append("])\r\n");
    header.append("\tby ").append(hostname).append(" (Lifeboat) with ").append(protocol);
    header.append(" id ").append(queueId).append("\r\n\t");
    if (recipients.size() == 1) {
      header.append("for <").append(sanitize(recipients.get(0))).append(">; ");
    }
    header.append(DATE.format(time)).append("\r\n");
    return header.toString();
  }

  /** Keeps client-supplied text on one line and free of control characters. */
  private static String sanitize(String value) {
    if (value == null || value.isBlank()) {
      return "unknown";
    }
    StringBuilder clean = new StringBuilder();
    value
        .codePoints()
        .limit(MAX_HELO_LENGTH)
        .forEach(c -> clean.appendCodePoint(c < 0x20 || c == 0x7f || c == ';' ? '?' : c));
    return clean.toString();
  }
}
