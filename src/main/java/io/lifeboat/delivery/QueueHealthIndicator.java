package io.lifeboat.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code deliveryQueue} health component, with the queue depth and the age of the oldest
 * waiting message as details. DOWN when the workers are enabled but not running; {@code DEGRADED}
 * when the oldest message that still waits for a recipient is older than {@code
 * lifeboat.delivery.health-max-age}; UP otherwise, also when the workers are switched off on
 * purpose. {@code application.properties} maps {@code DEGRADED} to HTTP 200 and orders it between
 * DOWN and UP, so a stuck queue shows in the overall status without failing a liveness probe.
 */
class QueueHealthIndicator extends AbstractHealthIndicator {

  static final Status DEGRADED = new Status("DEGRADED", "the oldest queued message is too old");

  private final QueueRepository repository;
  private final DeliveryWorker worker;
  private final Duration maxAge;
  private final Clock clock;

  QueueHealthIndicator(
      QueueRepository repository, DeliveryWorker worker, Duration maxAge, Clock clock) {
    this.repository = repository;
    this.worker = worker;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("depth", repository.depth());
    builder.withDetail("workers", worker == null ? "disabled" : "running");
    Optional<Instant> oldest = repository.oldestWaiting();
    Duration age = oldest.map(received -> Duration.between(received, clock.instant())).orElse(null);
    if (age != null) {
      builder.withDetail("oldestAgeSeconds", Math.max(0, age.toSeconds()));
    }
    builder.withDetail("maxAgeSeconds", maxAge.toSeconds());

    if (worker != null && !worker.isRunning()) {
      builder.down().withDetail("workers", "stopped");
    } else if (age != null && age.compareTo(maxAge) > 0) {
      builder.status(DEGRADED);
    } else {
      builder.up();
    }
  }
}
