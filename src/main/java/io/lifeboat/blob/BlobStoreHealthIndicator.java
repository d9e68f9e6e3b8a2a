package io.lifeboat.blob;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the blob store as up when a small probe blob can be written, read back unchanged and
 * deleted. Shown as {@code blobStore} under {@code /actuator/health}.
 */
public class BlobStoreHealthIndicator implements HealthIndicator {

  static final String PROBE_PREFIX = "health";
  private static final int PROBE_BYTES = 64;

  private final BlobStore blobStore;
  private final SecureRandom random = new SecureRandom();

  public BlobStoreHealthIndicator(BlobStore blobStore) {
    this.blobStore = blobStore;
  }

  @Override
  public Health health() {
    byte[] probe = new byte[PROBE_BYTES];
    random.nextBytes(probe);
    // One key per check, so that checks from several nodes sharing one store do not interfere.
    String key = PROBE_PREFIX + "/probe-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
    try {
      blobStore.put(key, out -> out.write(probe));
      byte[] read;
      try (InputStream in = blobStore.open(key)) {
        read = in.readAllBytes();
      }
      blobStore.delete(key);
      if (!Arrays.equals(probe, read)) {
        return Health.down().withDetail("error", "probe blob read back with other bytes").build();
      }
      return Health.up().build();
    } catch (IOException | RuntimeException e) {
      return Health.down(e).build();
    }
  }
}
