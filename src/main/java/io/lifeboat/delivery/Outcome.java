package io.lifeboat.delivery;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of one delivery attempt for one recipient.
 *
 * @param detail the remote server's reply or the local error, null on success
 */
record Outcome(Kind kind, String detail) {

  private static final Pattern ENHANCED =
      Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

  enum Kind {
    DELIVERED,
    /** A temporary failure: retried with back-off until the retry period ends. */
    DEFERRED,
    /** A permanent failure: bounced to the sender at once. */
    BOUNCED
  }

  static Outcome delivered() {
    return new Outcome(Kind.DELIVERED, null);
  }

  static Outcome deferred(String detail) {
    return new Outcome(Kind.DEFERRED, detail);
  }

  static Outcome bounced(String detail) {
    return new Outcome(Kind.BOUNCED, detail);
  }

  /** Maps an SMTP reply code to an outcome: 2xx delivered, 5xx bounced, anything else deferred. */
  static Outcome ofReply(int code, String reply) {
    if (code >= 200 && code < 300) {
      return delivered();
    }
    return code >= 500 && code < 600 ? bounced(reply) : deferred(reply);
  }

  /** Returns the enhanced status code (RFC 3463) for a DSN, taken from the detail if it has one. */
  String status() {
    if (detail != null) {
      Matcher m = ENHANCED.matcher(detail);
      if (m.find()) {
        return m.group();
      }
    }
    return kind == Kind.BOUNCED ? "5.0.0" : "4.0.0";
  }
}
