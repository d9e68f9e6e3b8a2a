package io.lifeboat.mailstore;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code lifeboat.mailstore.*}.
 *
 * @param maxPageSize largest number of messages one folder listing returns
 * @param maxCustomFolders custom folders one mailbox may have
 */
@ConfigurationProperties(prefix = "lifeboat.mailstore")
public record MailstoreProperties(int maxPageSize, int maxCustomFolders) {

  public MailstoreProperties {
    if (maxPageSize <= 0) {
      maxPageSize = 200;
    }
    if (maxCustomFolders <= 0) {
      maxCustomFolders = 1_000;
    }
  }
}
