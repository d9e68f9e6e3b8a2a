package io.lifeboat.smtp;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;

/**
 * The shutdown state of the SMTP listener. While it drains, new sessions and new commands get
 * {@code 421 4.3.2}, and commands already running, such as a DATA in progress, may finish. Then
 * {@link #closeIdleSessions} sends the same reply to the sessions that wait for a command.
 */
final class SmtpDrain {

  private static final Logger log = LoggerFactory.getLogger(SmtpDrain.class);

  private final String reply;
  private final StoreGate gate = new StoreGate();
  private volatile boolean draining;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * The open sessions, each with a lock that its commands hold while they run. The lock keeps the
   * shutdown reply from being written into a command's reply, because a session's own thread writes
   * all its other replies.
   */
  private final Map<Session, ReentrantLock> sessions = new ConcurrentHashMap<>();

  /** Creates the state of a listener that names itself {@code hostname} in its replies. */
  SmtpDrain(String hostname) {
    // RFC 5321 section 4.2: a 421 reply names the server's domain. RFC 3463: 4.3.2 is "system not
    // accepting network messages".
    this.reply = "421 4.3.2 " + hostname + " Service shutting down, try again later";
  }

  /** Returns the whole reply line, such as {@code 421 4.3.2 mx.example Service shutting down}. */
  String reply() {
    return reply;
  }

  /** Returns the gate that DATA commands pass to store a message. */
  StoreGate gate() {
    return gate;
  }

  boolean draining() {
    return draining;
  }

  void start() {
    draining = true;
  }

  void sessionOpened(Session session) {
    sessions.put(session, new ReentrantLock());
  }

  void sessionClosed(Session session) {
    sessions.remove(session);
  }

  /**
   * Marks a command of {@code session} as running, after waiting while the session is being closed.
   */
  void commandStarted(Session session) {
    ReentrantLock lock = sessions.get(session);
    if (lock != null) {
      lock.lock();
    }
    running.incrementAndGet();
  }

  /**
   * Marks a command of {@code session} as ended. The lock is released first, so that once {@link
   * #awaitIdle} finds no command running, every session of an ended command counts as idle.
   */
  void commandEnded(Session session) {
    ReentrantLock lock = sessions.get(session);
    if (lock != null && lock.isHeldByCurrentThread()) {
      lock.unlock();
    }
    running.decrementAndGet();
  }

  /** Waits until no command runs or the grace period ends; returns the commands still running. */
  int awaitIdle(Duration grace) throws InterruptedException {
    Instant deadline = Instant.now().plus(grace);
    while (running.get() > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    return running.get();
  }

  /**
   * Sends the shutdown reply to every session that waits for its next command, then closes it (RFC
   * 5321 section 3.8). Sessions with a running command are skipped. Returns the number of sessions
   * closed.
   */
  int closeIdleSessions() {
    int closed = 0;
    for (Map.Entry<Session, ReentrantLock> entry : sessions.entrySet()) {
      ReentrantLock lock = entry.getValue();
      if (!lock.tryLock()) {
        continue;
      }
      Session session = entry.getKey();
      try {
        session.sendResponse(reply);
        session.quit();
        closed++;
      } catch (java.io.IOException e) {
        log.debug("Shutdown reply failed session={}: {}", session.getSessionId(), e.toString());
      } finally {
        lock.unlock();
      }
    }
    return closed;
  }
}
