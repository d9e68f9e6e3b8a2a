package io.lifeboat.webmail;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the webmail mailbox view.
 *
 * @param pageSize messages per page of the message list
 * @param refreshInterval how often an open mailbox fetches its lists again; at most 5 minutes
 * @param maxSearchResults search stops after this many matches
 */
@ConfigurationProperties("lifeboat.webmail")
public record WebmailProperties(int pageSize, Duration refreshInterval, int maxSearchResults) {

  public WebmailProperties {
    if (pageSize < 1 || pageSize > 200) {
      throw new IllegalArgumentException(
          "lifeboat.webmail.page-size=" + pageSize + " is invalid: use 1 to 200");
    }
    if (refreshInterval.isNegative()
        || refreshInterval.isZero()
        || refreshInterval.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "lifeboat.webmail.refresh-interval="
              + refreshInterval
              + " is invalid: use more than 0 and at most PT5M");
    }
    if (maxSearchResults < 1) {
      throw new IllegalArgumentException(
          "lifeboat.webmail.max-search-results=" + maxSearchResults + " is invalid: use 1 or more");
    }
  }
}
