package io.lifeboat.sftp;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code sftp} health component: UP only while the SFTP listener is bound. */
final class SftpHealthIndicator implements HealthIndicator {

  private final SftpServer server;

  SftpHealthIndicator(SftpServer server) {
    this.server = server;
  }

  @Override
  public Health health() {
    if (server.isBound()) {
      return Health.up().withDetail("port", server.port()).build();
    }
    Health.Builder down = Health.down().withDetail("port", server.port());
    String error = server.lastError();
    if (error != null) {
      down.withDetail("error", error);
    }
    return down.build();
  }
}
