package io.lifeboat.account;

import io.lifeboat.config.LifeboatProperties;
import java.util.concurrent.Semaphore;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id password hashes at OWASP's minimum profile: 19 MiB of memory, 2 iterations, 1 lane. Each
 * hash takes that memory for its duration, so a semaphore caps how many run at once and a burst of
 * logins cannot exhaust the heap.
 */
@Component
public class PasswordHasher {

  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;
  static final int PARALLELISM = 1;
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;

  private final Argon2PasswordEncoder encoder =
      new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, PARALLELISM, MEMORY_KIB, ITERATIONS);
  private final Semaphore permits;

  public PasswordHasher(LifeboatProperties properties) {
    this.permits = new Semaphore(properties.api().maxConcurrentHashes(), true);
  }

  /** Returns the encoded Argon2id hash, with its parameters and salt. */
  public String hash(String password) {
    return withPermit(() -> encoder.encode(password));
  }

  /** Returns whether the password matches; false for a null or malformed hash. */
  public boolean matches(String password, String hash) {
    if (hash == null || password == null) {
      return false;
    }
    return withPermit(() -> encoder.matches(password, hash));
  }

  private <T> T withPermit(java.util.function.Supplier<T> work) {
    permits.acquireUninterruptibly();
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }
}
