package io.lifeboat.smtp;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shutdown state of the SMTP listener. While it drains, new sessions and new commands get
 * {@code 421 4.3.2}, and commands already running, such as a DATA in progress, may finish.
 */
final class SmtpDrain {

  static final String REPLY = "421 4.3.2 Service shutting down, try again later";

  private volatile boolean draining;
  private final AtomicInteger running = new AtomicInteger();

  boolean draining() {
    return draining;
  }

  void start() {
    draining = true;
  }

  void commandStarted() {
    running.incrementAndGet();
  }

  void commandEnded() {
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
}
