package io.lifeboat.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * Counts SMTP sessions for the metrics, registers them with the shutdown state and logs their start
 * and end at DEBUG.
 */
final class SmtpSessions implements SessionHandler {

  private static final Logger log = LoggerFactory.getLogger(SmtpSessions.class);

  private final SmtpMetrics metrics;
  private final SmtpDrain drain;

  SmtpSessions(SmtpMetrics metrics, SmtpDrain drain) {
    this.metrics = metrics;
    this.drain = drain;
  }

  /**
   * Accepts a session unless the listener is shutting down. The library then sends the greeting, or
   * sends this reply and closes. It calls {@link #onSessionEnd} only for accepted sessions.
   */
  @Override
  public SessionAcceptance accept(Session session) {
    if (drain.draining()) {
      return SessionAcceptance.failure(421, drain.reply().substring(4));
    }
    drain.sessionOpened(session);
    metrics.sessionStarted();
    log.debug(
        "SMTP session started session={} client={}",
        session.getSessionId(),
        session.getRemoteAddress());
    return SessionAcceptance.success();
  }

  @Override
  public void onSessionEnd(Session session) {
    drain.sessionClosed(session);
    metrics.sessionEnded();
    log.debug("SMTP session ended session={}", session.getSessionId());
  }
}
