package io.lifeboat.contract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock shifted by an offset that a test can move forward, so that token expiry and the
 * purge of deleted users can be tested without waiting for days.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is always UTC");
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  /** Moves the clock forward by {@code amount} for everything in the application context. */
  public void advance(Duration amount) {
    offset.accumulateAndGet(amount, Duration::plus);
  }

  /** Sets the clock back to the system time. */
  public void reset() {
    offset.set(Duration.ZERO);
  }
}
