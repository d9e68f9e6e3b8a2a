package io.lifeboat.delivery;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code lifeboat.delivery.*}.
 *
 * @param enabled starts the delivery workers when true; a node with false only accepts mail
 * @param retryInitial wait after the first failed attempt; each later wait doubles
 * @param retryMax longest wait between two attempts
 * @param retryPeriod time after receipt when a message that still fails is bounced
 * @param delayNotice time after receipt when the sender gets one notice that delivery is delayed
 * @param pollInterval how often the workers look for due recipients when nothing wakes them
 * @param concurrency deliveries running at the same time on this node
 * @param lease how long a claimed recipient stays with this node before another may take it
 * @param nodeId name of this node in claimed rows; rows of this name are released at startup
 * @param connectTimeout timeout for opening an outbound SMTP connection
 * @param timeout timeout for each read and write of an outbound SMTP conversation
 * @param healthMaxAge age of the oldest queued message above which the {@code deliveryQueue} health
 *     component reports {@code DEGRADED}
 * @param dnsServers DNS servers for MX lookups as IP address and optional port; empty for the
 *     system's resolvers
 * @param dnsTimeout timeout of one DNS query
 * @param mxPort port of MX hosts; 25 except in tests, which run fake MX hosts on loopback
 */
@ConfigurationProperties(prefix = "lifeboat.delivery")
public record DeliveryProperties(
    Boolean enabled,
    Duration retryInitial,
    Duration retryMax,
    Duration retryPeriod,
    Duration delayNotice,
    Duration pollInterval,
    int concurrency,
    Duration lease,
    String nodeId,
    Duration connectTimeout,
    Duration timeout,
    Duration healthMaxAge,
    List<String> dnsServers,
    Duration dnsTimeout,
    Integer mxPort) {

  public DeliveryProperties {
    if (enabled == null) {
      enabled = true;
    }
    retryInitial = orDefault(retryInitial, Duration.ofMinutes(1));
    retryMax = orDefault(retryMax, Duration.ofHours(1));
    retryPeriod = orDefault(retryPeriod, Duration.ofDays(5));
    delayNotice = orDefault(delayNotice, Duration.ofHours(4));
    pollInterval = orDefault(pollInterval, Duration.ofSeconds(5));
    lease = orDefault(lease, Duration.ofMinutes(30));
    connectTimeout = orDefault(connectTimeout, Duration.ofSeconds(30));
    timeout = orDefault(timeout, Duration.ofMinutes(5));
    healthMaxAge = orDefault(healthMaxAge, Duration.ofHours(1));
    dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
    dnsTimeout = orDefault(dnsTimeout, Duration.ofSeconds(10));
    if (mxPort == null) {
      mxPort = 25;
    }
    if (concurrency <= 0) {
      concurrency = 16;
    }
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = defaultNodeId();
    }
  }

  private static Duration orDefault(Duration value, Duration fallback) {
    return value == null || value.isNegative() || value.isZero() ? fallback : value;
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "localhost";
      }
    }
    return host;
  }
}
