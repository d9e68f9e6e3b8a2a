package io.lifeboat.security;

import io.lifeboat.config.LifeboatProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Slows down and then locks out client addresses that keep failing authentication. Each failure
 * after the first few adds a delay of 200 ms per failure, up to 2 s; after {@code
 * lifeboat.api.auth-failure-limit} failures the address is rejected for {@code
 * lifeboat.api.auth-lockout}. A success clears the address.
 */
@Component
public class AuthThrottle {

  private static final Logger log = LoggerFactory.getLogger(AuthThrottle.class);
  private static final int FREE_FAILURES = 3;
  private static final long DELAY_STEP_MILLIS = 200;
  private static final long MAX_DELAY_MILLIS = 2000;

  /** Bounds the table so that a spray of addresses cannot fill the heap. */
  private static final int MAX_TRACKED = 100_000;

  private record Failures(int count, Instant lastFailure, Instant lockedUntil) {}

  private final ConcurrentHashMap<String, Failures> byKey = new ConcurrentHashMap<>();
  private final int limit;
  private final Duration lockout;
  private final Clock clock;

  public AuthThrottle(LifeboatProperties properties, Clock clock) {
    this.limit = properties.api().authFailureLimit();
    this.lockout = properties.api().authLockout();
    this.clock = clock;
  }

  /** Returns the instant until which the key is locked out, or null when it may try. */
  public Instant lockedUntil(String key) {
    Failures f = byKey.get(key);
    if (f == null || f.lockedUntil() == null) {
      return null;
    }
    if (f.lockedUntil().isAfter(clock.instant())) {
      return f.lockedUntil();
    }
    byKey.remove(key, f);
    return null;
  }

  /** Records a failure and sleeps for the back-off that it earns. */
  public void failed(String key) {
    Instant now = clock.instant();
    if (byKey.size() >= MAX_TRACKED) {
      byKey.entrySet().removeIf(e -> e.getValue().lastFailure().isBefore(now.minus(lockout)));
    }
    Failures f =
        byKey.merge(
            key,
            new Failures(1, now, null),
            (old, one) -> {
              int count = old.lastFailure().isBefore(now.minus(lockout)) ? 1 : old.count() + 1;
              Instant locked = count >= limit ? now.plus(lockout) : null;
              return new Failures(count, now, locked);
            });
    if (f.lockedUntil() != null && f.count() == limit) {
      log.warn("Locked out after {} failed logins: {} until {}", f.count(), key, f.lockedUntil());
    }
    long delay = Math.min(MAX_DELAY_MILLIS, (f.count() - FREE_FAILURES) * DELAY_STEP_MILLIS);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void succeeded(String key) {
    byKey.remove(key);
  }
}
