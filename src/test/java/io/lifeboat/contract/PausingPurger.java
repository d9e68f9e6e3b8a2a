package io.lifeboat.contract;

import io.lifeboat.directory.MailboxPurger;
import io.lifeboat.directory.User;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A mailbox purger that, once armed for an address, waits inside the purge transaction until the
 * test releases it. Tests use it to send requests while a purge holds its locks.
 */
final class PausingPurger implements MailboxPurger {

  private volatile String armed;
  private volatile CountDownLatch entered = new CountDownLatch(1);
  private volatile CountDownLatch released = new CountDownLatch(1);

  /** Makes the next purge of the address stop until {@link #release()}. */
  void arm(String address) {
    entered = new CountDownLatch(1);
    released = new CountDownLatch(1);
    armed = address;
  }

  boolean awaitEntered() throws InterruptedException {
    return entered.await(30, TimeUnit.SECONDS);
  }

  void release() {
    released.countDown();
  }

  @Override
  public void purge(User user) {
    if (!user.email().equals(armed)) {
      return;
    }
    entered.countDown();
    try {
      if (!released.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "purge of " + user.email() + " timed out waiting for release()");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("purge of " + user.email() + " was interrupted", e);
    }
  }
}
