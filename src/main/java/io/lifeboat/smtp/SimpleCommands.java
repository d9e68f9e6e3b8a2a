package io.lifeboat.smtp;

import java.io.IOException;
import org.subethamail.smtp.server.Session;

/** The commands that change no message state: RSET, NOOP, QUIT, VRFY, HELP and unsupported ones. */
final class SimpleCommands {

  private SimpleCommands() {}

  static final class Rset extends SmtpCommand {
    Rset(SmtpMetrics metrics) {
      super("RSET", "Abort the current mail transaction.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      session.resetMailTransaction();
      reply(session, 250, "2.0.0 Ok");
    }
  }

  static final class Noop extends SmtpCommand {
    Noop(SmtpMetrics metrics) {
      super("NOOP", "Do nothing.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      reply(session, 250, "2.0.0 Ok");
    }
  }

  static final class Quit extends SmtpCommand {
    Quit(SmtpMetrics metrics) {
      super("QUIT", "Close the connection.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      reply(session, 221, "2.0.0 Bye");
      session.quit();
    }
  }

  /** VRFY: never confirms whether a user exists (RFC 5321 section 3.5.3 allows 252). */
  static final class Vrfy extends SmtpCommand {
    Vrfy(SmtpMetrics metrics) {
      super("VRFY", "Verify an address; always answers 252.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      reply(session, 252, "2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
    }
  }

  static final class Help extends SmtpCommand {
    Help(SmtpMetrics metrics) {
      super("HELP", "Show help.", metrics);
    }

    @Override
    void handle(String line, Session session) throws IOException {
      reply(session, 214, "2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT STARTTLS");
    }
  }

  /**
   * A verb that the library implements but this server does not offer, such as EXPN, AUTH, BDAT.
   */
  static final class Unsupported extends SmtpCommand {
    private final String verb;

    Unsupported(String verb, SmtpMetrics metrics) {
      super(verb, verb + " is not supported.", metrics);
      this.verb = verb;
    }

    @Override
    void handle(String line, Session session) throws IOException {
      reply(session, 502, "5.5.1 " + verb + " not implemented");
    }
  }
}
