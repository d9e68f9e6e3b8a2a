package io.lifeboat.smtp;

import java.io.IOException;
import java.util.Locale;
import org.subethamail.smtp.server.Session;

/**
 * MAIL FROM (RFC 5321 section 4.1.1.2) with the parameters SIZE (RFC 1870), BODY (RFC 6152) and
 * SMTPUTF8 (RFC 6531). Any other parameter gets {@code 555 5.5.4}.
 */
final class MailCommand extends SmtpCommand {

  private final MessageReceiver receiver;

  MailCommand(SmtpMetrics metrics, MessageReceiver receiver) {
    super("MAIL", "Specify the sender: MAIL FROM:<address> [parameters]", metrics);
    this.receiver = receiver;
  }

  @Override
  void handle(String line, Session session) throws IOException {
    if (session.getHelo().isEmpty()) {
      reply(session, 503, "5.5.1 Error: send EHLO or HELO first");
      return;
    }
    if (session.isMailTransactionInProgress()) {
      reply(session, 503, "5.5.1 Error: nested MAIL command");
      return;
    }

    // Parse the reverse path and its parameters.
    String argument = argument(line);
    if (!argument.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
      reply(session, 501, "5.5.4 Syntax: MAIL FROM:<address>");
      return;
    }
    PathArgument path = PathArgument.parse(argument.substring("FROM:".length()));
    if (path == null) {
      reply(session, 501, "5.1.7 Syntax: MAIL FROM:<address>; put the address in angle brackets");
      return;
    }
    Parameters parameters = Parameters.of(path);
    if (parameters.error() != null) {
      reply(session, 555, "5.5.4 " + parameters.error());
      return;
    }

    // Check the address and the declared size; the null sender <> is valid.
    if (!path.address().isEmpty()) {
      String invalid = path.invalidReason(parameters.smtputf8());
      if (invalid != null) {
        int code = invalid.contains("SMTPUTF8") ? 553 : 501;
        reply(session, code, (code == 553 ? "5.6.7 " : "5.1.7 ") + invalid);
        return;
      }
    }
    if (parameters.size() > receiver.maxMessageSize()) {
      reply(session, 552, "5.3.4 Message size exceeds fixed limit of " + receiver.maxMessageSize());
      return;
    }

    session.startMailTransaction();
    InboundTransaction transaction = (InboundTransaction) session.getMessageHandler();
    transaction.begin(path.address(), parameters.smtputf8(), parameters.size());
    reply(session, 250, "2.1.0 Ok");
  }

  /** The MAIL parameters this server understands. */
  private record Parameters(long size, boolean smtputf8, String error) {

    static Parameters of(PathArgument path) {
      long size = 0;
      boolean smtputf8 = false;
      for (String parameter : path.parameters()) {
        String upper = parameter.toUpperCase(Locale.ROOT);
        String sizeValue = PathArgument.valueOf(parameter, "SIZE");
        String body = PathArgument.valueOf(parameter, "BODY");
        if (sizeValue != null) {
          if (!sizeValue.matches("[0-9]{1,18}")) {
            return new Parameters(0, false, "SIZE must be a number of bytes: " + sizeValue);
          }
          size = Long.parseLong(sizeValue);
        } else if (body != null) {
          String type = body.toUpperCase(Locale.ROOT);
          if (!type.equals("7BIT") && !type.equals("8BITMIME")) {
            return new Parameters(0, false, "BODY must be 7BIT or 8BITMIME: " + body);
          }
        } else if (upper.equals("SMTPUTF8")) {
          smtputf8 = true;
        } else {
          return new Parameters(0, false, "unsupported MAIL parameter " + parameter);
        }
      }
      return new Parameters(size, smtputf8, null);
    }
  }
}
