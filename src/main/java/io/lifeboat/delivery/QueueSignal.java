package io.lifeboat.delivery;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Wakes the delivery dispatcher when new mail is queued, so it need not wait for its next poll. */
@Component
public class QueueSignal {

  private final Semaphore pending = new Semaphore(0);

  public void notifyQueued() {
    if (pending.availablePermits() == 0) {
      pending.release();
    }
  }

  /** Waits until mail is queued or {@code timeout} passes. */
  void await(Duration timeout) throws InterruptedException {
    if (pending.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      pending.drainPermits();
    }
  }
}
