package io.lifeboat.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * Writes delivery status notifications (RFC 3464): a {@code multipart/report} with a readable
 * explanation, one {@code message/delivery-status} part and the original message's headers as
 * {@code text/rfc822-headers}, never its body.
 */
final class DsnWriter {

  /** Most header bytes of the original message copied into a report. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** The bytes CR LF CR LF that end a header section. */
  private static final int END_OF_HEADER = 0x0d0a0d0a;

  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private DsnWriter() {}

  /** One recipient in a report; {@code outcome} is the bounce or the latest deferral. */
  record Failure(String recipient, Outcome outcome) {}

  /**
   * Writes a report with CRLF line endings.
   *
   * @param delayed true for a delay notice (Action: delayed), false for a bounce (Action: failed)
   * @param originalHeaders the original message from its start; only its header is read
   */
  static void write(
      OutputStream out,
      String reportingHost,
      String queueId,
      String originalQueueId,
      String sender,
      Instant arrival,
      Instant now,
      Instant retryUntil,
      boolean delayed,
      List<Failure> failures,
      InputStream originalHeaders)
      throws IOException {
    String boundary = "lifeboat-" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    line(head, "From: Mail Delivery System <MAILER-DAEMON@" + reportingHost + ">");
    line(head, "To: <" + sender + ">");
    line(
        head,
        "Subject: "
            + (delayed
                ? "Delayed Mail (still being retried)"
                : "Undelivered Mail Returned to Sender"));
    line(head, "Date: " + DATE.format(now.atOffset(ZoneOffset.UTC)));
    line(head, "Message-ID: <" + queueId + "@" + reportingHost + ">");
    line(head, "Auto-Submitted: auto-replied");
    line(head, "MIME-Version: 1.0");
    line(
        head,
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\""
            + boundary
            + "\"");
    line(head, "");

    line(head, "--" + boundary);
    line(head, "Content-Type: text/plain; charset=utf-8");
    line(head, "Content-Transfer-Encoding: 8bit");
    line(head, "");
    explanation(head, reportingHost, delayed, retryUntil, failures);
    line(head, "");

    line(head, "--" + boundary);
    line(head, "Content-Type: message/delivery-status");
    line(head, "");
    line(head, "Reporting-MTA: dns; " + reportingHost);
    line(head, "X-Lifeboat-Queue-ID: " + originalQueueId);
    line(head, "Arrival-Date: " + DATE.format(arrival.atOffset(ZoneOffset.UTC)));
    for (Failure failure : failures) {
      line(head, "");
      line(head, "Final-Recipient: rfc822; " + failure.recipient());
      line(head, "Action: " + (delayed ? "delayed" : "failed"));
      line(head, "Status: " + failure.outcome().status());
      if (failure.outcome().detail() != null) {
        line(head, "Diagnostic-Code: smtp; " + oneLine(failure.outcome().detail()));
      }
      line(head, "Last-Attempt-Date: " + DATE.format(now.atOffset(ZoneOffset.UTC)));
      if (delayed) {
        line(head, "Will-Retry-Until: " + DATE.format(retryUntil.atOffset(ZoneOffset.UTC)));
      }
    }
    line(head, "");

    line(head, "--" + boundary);
    line(head, "Content-Type: text/rfc822-headers");
    line(head, "");
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    copyHeaders(originalHeaders, out);
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void explanation(
      StringBuilder text,
      String reportingHost,
      boolean delayed,
      Instant retryUntil,
      List<Failure> failures) {
    line(text, "This is the mail system at host " + reportingHost + ".");
    line(text, "");
    if (delayed) {
      line(text, "Your message could not be delivered yet to the recipients below.");
      line(
          text,
          "It is retried until "
              + DATE.format(retryUntil.atOffset(ZoneOffset.UTC))
              + "; you need not send it again.");
    } else {
      line(text, "Your message could not be delivered to the recipients below.");
      line(text, "This is a permanent error; the message was not delivered to them.");
    }
    line(text, "");
    for (Failure failure : failures) {
      String reason = failure.outcome().detail() == null ? "" : oneLine(failure.outcome().detail());
      line(text, "<" + failure.recipient() + ">: " + reason);
    }
  }

  /** Copies the header section, up to its closing empty line and at most MAX_HEADER_BYTES. */
  private static void copyHeaders(InputStream in, OutputStream out) throws IOException {
    int lastFour = 0;
    int copied = 0;
    int b;
    while (copied < MAX_HEADER_BYTES && (b = in.read()) != -1) {
      out.write(b);
      copied++;
      lastFour = (lastFour << 8) | b;
      if (lastFour == END_OF_HEADER) {
        return;
      }
    }
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n]+", " ").trim();
  }

  private static void line(StringBuilder text, String line) {
    text.append(line).append("\r\n");
  }
}
