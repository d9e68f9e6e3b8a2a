package io.lifeboat.smtp;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** EHLO and HELO (RFC 5321 section 4.1.1.1): greet the client and list the extensions. */
final class HelloCommands {

  private HelloCommands() {}

  /** EHLO: resets the session and lists the ESMTP extensions that this server implements. */
  static final class Ehlo extends SmtpCommand {
    private final MessageReceiver receiver;

    Ehlo(SmtpMetrics metrics, MessageReceiver receiver) {
      super("EHLO", "Introduce yourself and list the extensions.", metrics);
      this.receiver = receiver;
    }

    @Override
    void handle(String line, Session session) throws IOException {
      String domain = argument(line);
      if (domain.isEmpty()) {
        reply(session, 501, "5.5.4 Syntax: EHLO domain");
        return;
      }
      session.resetMailTransaction();
      session.setHelo(domain);
      StringBuilder lines = new StringBuilder();
      lines.append("250-").append(session.getServer().getHostName()).append("\r\n");
      lines.append("250-PIPELINING\r\n");
      lines.append("250-SIZE ").append(receiver.maxMessageSize()).append("\r\n");
      lines.append("250-8BITMIME\r\n");
      lines.append("250-SMTPUTF8\r\n");
      if (session.getServer().getEnableTLS() && !session.isTLSStarted()) {
        lines.append("250-STARTTLS\r\n");
      }
      lines.append("250 ENHANCEDSTATUSCODES");
      session.sendResponse(lines.toString());
    }
  }

  /** HELO: the old greeting without extensions. */
  static final class Helo extends SmtpCommand {
    Helo(SmtpMetrics metrics) {
      super("HELO", "Introduce yourself.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      String domain = argument(line);
      if (domain.isEmpty()) {
        reply(session, 501, "5.5.4 Syntax: HELO domain");
        return;
      }
      session.resetMailTransaction();
      session.setHelo(domain);
      session.sendResponse("250 " + session.getServer().getHostName());
    }
  }
}
