package io.lifeboat.smtp;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * STARTTLS (RFC 3207). After the handshake the session reads from a new buffer on the TLS socket,
 * so commands that a client pipelined after STARTTLS in clear text are discarded, never executed,
 * and the session starts over as RFC 3207 section 4.2 requires.
 */
final class StartTlsCommand extends SmtpCommand {

  private static final Logger log = LoggerFactory.getLogger(StartTlsCommand.class);

  StartTlsCommand(SmtpMetrics metrics) {
    super("STARTTLS", "Start TLS on this connection.", metrics);
  }

  @Override
  void handle(String line, Session session) throws IOException {
    if (!argument(line).isEmpty()) {
      reply(session, 501, "5.5.4 Syntax: STARTTLS takes no arguments");
      return;
    }
    if (!session.getServer().getEnableTLS()) {
      reply(session, 454, "4.7.0 TLS not available");
      return;
    }
    if (session.isTLSStarted()) {
      reply(session, 503, "5.5.1 TLS already active");
      return;
    }
    reply(session, 220, "2.0.0 Ready to start TLS");
    try {
      SSLSocket tls = session.getServer().createSSLSocket(session.getSocket());
      tls.startHandshake();
      session.setSocket(tls);
      session.resetSmtpProtocol();
      session.setTlsStarted(true);
    } catch (IOException e) {
      log.info(
          "TLS handshake failed session={} client={}: {}",
          session.getSessionId(),
          session.getRemoteAddress(),
          e.getMessage());
      session.quit();
    }
  }
}
