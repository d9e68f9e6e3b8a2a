package io.lifeboat.smtp;

import java.io.IOException;
import java.util.Locale;
import org.subethamail.smtp.server.Session;

/**
 * RCPT TO (RFC 5321 section 4.1.1.3). Each recipient is checked against the directory at once, so
 * mail for unknown users and foreign domains is rejected before any data is sent. The bare {@code
 * <postmaster>} is queued for the address in {@code lifeboat.smtp.postmaster}.
 */
final class RcptCommand extends SmtpCommand {

  private static final String POSTMASTER = "postmaster";

  private final MessageReceiver receiver;

  RcptCommand(SmtpMetrics metrics, MessageReceiver receiver) {
    super("RCPT", "Specify a recipient: RCPT TO:<address>", metrics);
    this.receiver = receiver;
  }

  @Override
  void handle(String line, Session session) throws IOException {
    InboundTransaction transaction = transaction(session);
    if (transaction == null) {
      return;
    }

    // Parse the forward path; RCPT parameters such as NOTIFY are not offered.
    String argument = argument(line);
    if (!argument.toUpperCase(Locale.ROOT).startsWith("TO:")) {
      reply(session, 501, "5.5.4 Syntax: RCPT TO:<address>");
      return;
    }
    PathArgument path = PathArgument.parse(argument.substring("TO:".length()));
    if (path == null || path.address().isEmpty()) {
      reply(session, 501, "5.1.3 Syntax: RCPT TO:<address>; put the address in angle brackets");
      return;
    }
    if (!path.parameters().isEmpty()) {
      reply(session, 555, "5.5.4 unsupported RCPT parameter " + path.parameters().get(0));
      return;
    }
    // RFC 5321 section 4.5.1: the bare postmaster, in any ASCII case, is the one address without a
    // domain that a server must accept.
    boolean postmaster = isBarePostmaster(path.address());
    String invalid = postmaster ? null : path.invalidReason(transaction.smtputf8());
    if (invalid != null) {
      int code = invalid.contains("SMTPUTF8") ? 553 : 501;
      reply(session, code, (code == 553 ? "5.6.7 " : "5.1.3 ") + invalid);
      return;
    }

    // Check the limit, then the directory.
    if (transaction.acceptedRecipients() >= receiver.maxRecipients()) {
      reply(session, 452, "4.5.3 Too many recipients; send the rest in another message");
      return;
    }
    Reply reply =
        postmaster ? transaction.addPostmaster() : transaction.addRecipient(path.address());
    if (reply.positive()) {
      session.addRecipient(transaction.recipients().getLast());
    }
    reply(session, reply);
  }

  /**
   * Compares in ASCII only, because {@link String#equalsIgnoreCase} also matches non-ASCII letters
   * that upper-case to ASCII, such as U+017F (long s) for {@code s}.
   */
  private static boolean isBarePostmaster(String address) {
    return address.chars().allMatch(c -> c < 0x80) && address.equalsIgnoreCase(POSTMASTER);
  }
}
