package io.lifeboat.smtp;

import java.time.Duration;

/**
 * Lets a DATA command store its message only while the listener is not closing, and lets the
 * listener wait for the stores that got in, until their replies are written. A message whose final
 * dot arrives after the gate closed is not stored, so that no message is stored without its client
 * getting the {@code 250}.
 */
final class StoreGate {

  private boolean closing;
  private int inside;

  /** Returns true and counts the caller as storing, unless the gate is closing. */
  synchronized boolean enter() {
    if (closing) {
      return false;
    }
    inside++;
    return true;
  }

  /** Ends a store that {@link #enter} let in, once its reply is written. */
  synchronized void leave() {
    inside--;
    notifyAll();
  }

  /**
   * Closes the gate and waits up to {@code timeout} for the stores inside; returns how many are
   * still inside.
   */
  synchronized int close(Duration timeout) throws InterruptedException {
    closing = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inside > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return inside;
  }
}
