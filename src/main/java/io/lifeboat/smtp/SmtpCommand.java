package io.lifeboat.smtp;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import org.slf4j.MDC;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.server.Session;

/**
 * A command of Lifeboat's SMTP dialect. It replaces the library's command of the same verb so that
 * every reply carries an enhanced status code (RFC 2034), and it times each command and puts the
 * session id into the logging MDC as {@code smtpSession}.
 */
abstract class SmtpCommand extends BaseCommand {

  private final Timer timer;

  /** A state that never drains, until {@link #drain} sets the listener's own. */
  private SmtpDrain drain = new SmtpDrain("localhost");

  SmtpCommand(String verb, String help, SmtpMetrics metrics) {
    super(verb, help);
    this.timer = metrics.command(verb);
  }

  /** Sets the listener's shutdown state, which every command checks before it runs. */
  SmtpCommand drain(SmtpDrain drain) {
    this.drain = drain;
    return this;
  }

  /** Returns the listener's shutdown state. */
  SmtpDrain drain() {
    return drain;
  }

  @Override
  public final void execute(String line, Session session)
      throws IOException, DropConnectionException {
    MDC.put("smtpSession", session.getSessionId());
    drain.commandStarted(session);
    long started = System.nanoTime();
    try {
      if (drain.draining() && !(this instanceof SimpleCommands.Quit)) {
        // RFC 5321 section 3.8: a server that must shut down replies 421 and closes.
        session.sendResponse(drain.reply());
        session.quit();
        return;
      }
      handle(line, session);
    } finally {
      timer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
      drain.commandEnded(session);
    }
  }

  abstract void handle(String line, Session session) throws IOException, DropConnectionException;

  /** Returns the text after the verb, trimmed; empty when there is none. */
  static String argument(String line) {
    int space = line.indexOf(' ');
    return space < 0 ? "" : line.substring(space + 1).trim();
  }

  static void reply(Session session, Reply reply) throws IOException {
    session.sendResponse(reply.toString());
  }

  static void reply(Session session, int code, String text) throws IOException {
    session.sendResponse(code + " " + text);
  }

  /** Returns the session's open transaction, or null after replying 503 when there is none. */
  static InboundTransaction transaction(Session session) throws IOException {
    if (!session.isMailTransactionInProgress()) {
      reply(session, 503, "5.5.1 Error: need MAIL command");
      return null;
    }
    return (InboundTransaction) session.getMessageHandler();
  }
}
