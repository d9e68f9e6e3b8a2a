package io.lifeboat.delivery;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code deliveryQueue} health component: UP while the queue table can be read and the workers
 * run (or are switched off on purpose), with the queue depth as detail.
 */
class QueueHealthIndicator extends AbstractHealthIndicator {

  private final QueueRepository repository;
  private final DeliveryWorker worker;

  QueueHealthIndicator(QueueRepository repository, DeliveryWorker worker) {
    this.repository = repository;
    this.worker = worker;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    long depth = repository.depth();
    builder.withDetail("depth", depth);
    if (worker != null && !worker.isRunning()) {
      builder.down().withDetail("reason", "delivery workers are not running");
    } else {
      builder.up().withDetail("workers", worker == null ? "disabled" : "running");
    }
  }
}
