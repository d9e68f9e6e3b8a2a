package io.lifeboat.smtp;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.subethamail.smtp.server.Session;

/**
 * DATA (RFC 5321 section 4.1.1.4). {@link SmtpDataStream} ends the message only at {@code
 * <CRLF>.<CRLF>}, and {@link DataGuard} then rejects bare CR, bare LF and NUL, so that no byte
 * sequence can end a message early or smuggle a second one. While DATA is read, the socket read
 * timeout is the data timeout instead of the command timeout.
 */
final class DataCommand extends SmtpCommand {

  private final Duration dataTimeout;

  DataCommand(SmtpMetrics metrics, Duration dataTimeout) {
    super("DATA", "Send the message, ending with <CRLF>.<CRLF>", metrics);
    this.dataTimeout = dataTimeout;
  }

  @Override
  void handle(String line, Session session) throws IOException {
    InboundTransaction transaction = transaction(session);
    if (transaction == null) {
      return;
    }
    if (!argument(line).isEmpty()) {
      reply(session, 501, "5.5.4 Syntax: DATA takes no arguments");
      return;
    }
    if (transaction.recipients().isEmpty()) {
      reply(session, 554, "5.5.1 Error: no valid recipients");
      return;
    }
    reply(session, 354, "End data with <CR><LF>.<CR><LF>");

    Socket socket = session.getSocket();
    int commandTimeout = socket.getSoTimeout();
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, dataTimeout.toMillis()));
    StoreGate gate = drain().gate();
    boolean[] entered = {false};
    try {
      Reply reply;
      try {
        reply =
            transaction.receive(
                new SmtpDataStream(session.getRawInput()), () -> entered[0] = gate.enter());
      } finally {
        socket.setSoTimeout(commandTimeout);
      }
      reply(session, reply);
    } finally {
      // Leaving only after the reply is written keeps the listener from closing the socket first.
      if (entered[0]) {
        gate.leave();
      }
    }
    session.resetMailTransaction();
  }
}
