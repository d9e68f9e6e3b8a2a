package io.lifeboat.sync;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * One received sync file and who sent it.
 *
 * @param runId the run's id, which is also the request id of its audit entries and log lines
 * @param fileName the name the customer gave the file, without folders
 * @param uploadedBy the SFTP login or the API credential's username
 * @param clientAddress the uploader's IP address, null when unknown
 * @param forced whether the customer confirmed deletions above its limit
 * @param file where the file's bytes are now
 */
record SyncJob(
    String runId,
    String customerId,
    String fileName,
    Source source,
    String uploadedBy,
    String clientAddress,
    boolean forced,
    Instant received,
    Path file) {

  /** The way a file reached Lifeboat. */
  enum Source {
    SFTP,
    API;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Suffix of a file name that confirms deletions above the customer's limit. */
  static final String FORCE_SUFFIX = ".force.csv";

  static boolean isForceName(String fileName) {
    return fileName.toLowerCase(Locale.ROOT).endsWith(FORCE_SUFFIX);
  }

  SyncJob withFile(Path moved) {
    return new SyncJob(
        runId, customerId, fileName, source, uploadedBy, clientAddress, forced, received, moved);
  }
}
