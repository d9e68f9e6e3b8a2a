package io.lifeboat.sync;

import io.lifeboat.directory.Customer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes files older than {@code lifeboat.sync.retention} from every customer's {@code
 * processed/}, {@code reports/} and {@code upload/} folders. The run history in the database is
 * kept, and only the files go.
 */
@Component
class SyncRetentionJob {

  private static final Logger log = LoggerFactory.getLogger(SyncRetentionJob.class);
  private static final List<String> FOLDERS =
      List.of(DropFolders.PROCESSED, DropFolders.REPORTS, DropFolders.UPLOAD);

  private final DropFolders folders;
  private final SyncProperties properties;
  private final Clock clock;

  SyncRetentionJob(DropFolders folders, SyncProperties properties, Clock clock) {
    this.folders = folders;
    this.properties = properties;
    this.clock = clock;
  }

  @Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT6H")
  void run() {
    deleteOlderThan(clock.instant().minus(properties.retention()));
  }

  /** Deletes the files last modified before {@code cutoff}; returns how many were deleted. */
  int deleteOlderThan(Instant cutoff) {
    Path root = folders.sftpRoot();
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> customers = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path customer : customers) {
        if (!customer.getFileName().toString().matches(Customer.ID_PATTERN)) {
          continue;
        }
        for (String folder : FOLDERS) {
          deleted += deleteOlderThan(customer.resolve(folder), cutoff);
        }
      }
    } catch (IOException e) {
      log.error("Sync retention failed in {}; retrying at the next run", root, e);
    }
    if (deleted > 0) {
      log.info("Sync retention deleted {} files older than {}", deleted, cutoff);
    }
    return deleted;
  }

  private static int deleteOlderThan(Path folder, Instant cutoff) throws IOException {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                .toInstant()
                .isBefore(cutoff)
            && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}
