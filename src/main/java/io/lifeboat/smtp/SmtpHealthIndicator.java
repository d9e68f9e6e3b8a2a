package io.lifeboat.smtp;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** The {@code smtp} health component: UP only while the listener is bound to its port. */
class SmtpHealthIndicator extends AbstractHealthIndicator {

  private final SmtpListener listener;

  SmtpHealthIndicator(SmtpListener listener) {
    this.listener = listener;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (listener.isRunning()) {
      builder.up().withDetail("port", listener.port());
      builder.withDetail("sessions", listener.activeSessions());
    } else {
      builder.down().withDetail("reason", "SMTP listener is not bound");
    }
  }
}
