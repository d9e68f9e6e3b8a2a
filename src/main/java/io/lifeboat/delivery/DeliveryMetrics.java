package io.lifeboat.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Micrometer meters of the delivery queue, exposed by Actuator under {@code lifeboat.delivery.*}.
 */
@Component
public class DeliveryMetrics {

  private final MeterRegistry registry;

  public DeliveryMetrics(MeterRegistry registry, QueueRepository repository) {
    this.registry = registry;
    Gauge.builder("lifeboat.delivery.queue.depth", repository, QueueRepository::depth)
        .description("Recipients queued or being delivered")
        .register(registry);
  }

  /** Counts one attempt for one recipient by route and outcome. */
  void attempt(String route, Outcome.Kind outcome) {
    registry
        .counter(
            "lifeboat.delivery.attempts", "route", route, "outcome", outcome.name().toLowerCase())
        .increment();
    switch (outcome) {
      case DELIVERED -> registry.counter("lifeboat.delivery.delivered", "route", route).increment();
      case DEFERRED -> registry.counter("lifeboat.delivery.retries", "route", route).increment();
      case BOUNCED -> registry.counter("lifeboat.delivery.bounces", "route", route).increment();
    }
  }

  void notificationSent(String kind) {
    registry.counter("lifeboat.delivery.notifications", "kind", kind).increment();
  }
}
