package io.lifeboat.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off: {@code retry-initial}, doubling after each attempt up to {@code retry-max}.
 */
final class Backoff {

  private Backoff() {}

  /**
   * Returns the wait after {@code attempts} failed attempts (1 for the first failure), with up to
   * 10% random extra so that messages deferred together do not retry in lockstep.
   */
  static Duration after(int attempts, Duration initial, Duration max) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 30);
    long millis = initial.toMillis();
    for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    millis = Math.min(millis, max.toMillis());
    long jitter = millis / 10 == 0 ? 0 : ThreadLocalRandom.current().nextLong(millis / 10);
    return Duration.ofMillis(millis + jitter);
  }
}
