package io.lifeboat.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code lifeboat.sync.*}.
 *
 * @param workers sync files processed at the same time across all customers. One customer's files
 *     always run one after the other
 * @param pickupDelay wait between the end of an SFTP upload and its pick-up, so that a client can
 *     still set the file's timestamps
 * @param retention how long processed input files, reports and abandoned uploads stay in the
 *     customer's SFTP folder
 * @param maxFileSize maximum size of a sync file uploaded over SFTP. Uploads through the API have
 *     the API's body limit instead
 * @param maxUsers maximum number of users in one file, because each listed user takes heap until
 *     the file is applied
 * @param reportMaxEntries maximum number of errors, and of deleted addresses, listed in one report.
 *     The counts always cover all of them
 */
@ConfigurationProperties(prefix = "lifeboat.sync")
public record SyncProperties(
    @DefaultValue("2") int workers,
    @DefaultValue("2s") Duration pickupDelay,
    @DefaultValue("30d") Duration retention,
    @DefaultValue("256MB") DataSize maxFileSize,
    @DefaultValue("250000") int maxUsers,
    @DefaultValue("1000") int reportMaxEntries) {

  public SyncProperties {
    if (workers < 1) {
      throw new IllegalArgumentException("lifeboat.sync.workers must be at least 1");
    }
    if (maxUsers < 1) {
      throw new IllegalArgumentException("lifeboat.sync.max-users must be at least 1");
    }
    if (reportMaxEntries < 1) {
      throw new IllegalArgumentException("lifeboat.sync.report-max-entries must be at least 1");
    }
  }
}
