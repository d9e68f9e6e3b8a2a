package io.lifeboat.sync;

import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.directory.Customer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * The folders of the directory sync. Each customer has {@code <data>/sftp/<CUSTOMER>/} with {@code
 * upload/}, which the customer writes, and {@code reports/} and {@code processed/}, which the
 * customer reads. The SFTP login has access to that folder only. Files being synced wait in {@code
 * <data>/sync/pending/<CUSTOMER>/} and API uploads in {@code <data>/sync/incoming/}, both out of
 * the customer's sight.
 */
@Component
public class DropFolders {

  public static final String UPLOAD = "upload";
  public static final String REPORTS = "reports";
  public static final String PROCESSED = "processed";

  private final Path sftpRoot;
  private final Path syncRoot;

  public DropFolders(LifeboatProperties properties) {
    Path data = properties.dataDir().toAbsolutePath().normalize();
    this.sftpRoot = data.resolve("sftp");
    this.syncRoot = data.resolve("sync");
  }

  /** Returns the folder that contains the SFTP host key and one folder per customer. */
  public Path sftpRoot() {
    return sftpRoot;
  }

  /**
   * Returns the customer's SFTP folder. The id is checked against the customer id pattern first,
   * because it may come straight from an SFTP login name and must never name another path.
   */
  public Path customer(String customerId) {
    if (customerId == null || !customerId.matches(Customer.ID_PATTERN)) {
      throw new IllegalArgumentException("not a customer id: " + customerId);
    }
    return sftpRoot.resolve(customerId);
  }

  public Path upload(String customerId) {
    return customer(customerId).resolve(UPLOAD);
  }

  public Path reports(String customerId) {
    return customer(customerId).resolve(REPORTS);
  }

  public Path processed(String customerId) {
    return customer(customerId).resolve(PROCESSED);
  }

  /** Returns where the customer's complete uploads wait for their sync. */
  public Path pending(String customerId) {
    customer(customerId);
    return pendingRoot().resolve(customerId);
  }

  /** Returns the folder that contains one pending folder per customer. */
  Path pendingRoot() {
    return syncRoot.resolve("pending");
  }

  /** Returns where API uploads are spooled while they are synced. */
  public Path incoming() {
    return syncRoot.resolve("incoming");
  }

  /** Creates the customer's three SFTP folders and its pending folder if they are missing. */
  public Path ensure(String customerId) throws IOException {
    Path root = customer(customerId);
    Files.createDirectories(root.resolve(UPLOAD));
    Files.createDirectories(root.resolve(REPORTS));
    Files.createDirectories(root.resolve(PROCESSED));
    Files.createDirectories(pending(customerId));
    return root;
  }
}
