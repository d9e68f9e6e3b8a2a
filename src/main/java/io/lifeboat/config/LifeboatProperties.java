package io.lifeboat.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code lifeboat.*}. Operators script against these keys, so their names are fixed;
 * the README lists each one with its default.
 *
 * @param dataDir folder for the H2 database, blobs, spool, keys and the generated operator password
 * @param publicBaseUrl base of the links in activation and password-reset tokens
 * @param demo creates a demo customer on an empty database when true
 * @param api settings of the customer and operator REST APIs
 * @param directory settings of the user directory
 * @param masterKey base64 of a 32-byte master key; when absent, a key file in the data folder is
 *     used and created at first start
 */
@ConfigurationProperties(prefix = "lifeboat")
public record LifeboatProperties(
    Path dataDir,
    String publicBaseUrl,
    boolean demo,
    Api api,
    Directory directory,
    String masterKey) {

  public LifeboatProperties {
    if (dataDir == null) {
      dataDir = Path.of("lifeboat-data");
    }
    if (publicBaseUrl == null || publicBaseUrl.isBlank()) {
      publicBaseUrl = "http://localhost:8080";
    }
    if (api == null) {
      api = new Api(0, 0, null, 0);
    }
    if (directory == null) {
      directory = new Directory(null, null);
    }
  }

  /**
   * @param maxBodyBytes largest accepted request body; larger bodies get 413
   * @param authFailureLimit failed logins from one client address before it is locked out
   * @param authLockout how long a locked-out client address is rejected with 429
   * @param maxConcurrentHashes password hashes computed at the same time; each takes 19 MiB
   */
  public record Api(
      long maxBodyBytes, int authFailureLimit, Duration authLockout, int maxConcurrentHashes) {
    public Api {
      if (maxBodyBytes <= 0) {
        maxBodyBytes = 32L * 1024 * 1024;
      }
      if (authFailureLimit <= 0) {
        authFailureLimit = 10;
      }
      if (authLockout == null) {
        authLockout = Duration.ofMinutes(15);
      }
      if (maxConcurrentHashes <= 0) {
        maxConcurrentHashes = Math.max(2, Runtime.getRuntime().availableProcessors());
      }
    }
  }

  /**
   * @param deletionGrace time between the deletion of a user and the purge of its mailbox
   * @param purgeInterval how often the purge job looks for users whose grace has run out
   */
  public record Directory(Duration deletionGrace, Duration purgeInterval) {
    public Directory {
      if (deletionGrace == null) {
        deletionGrace = Duration.ofDays(7);
      }
      if (purgeInterval == null) {
        purgeInterval = Duration.ofMinutes(10);
      }
    }
  }
}
