package io.lifeboat.mailstore;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Meters of the mailstore: the timer {@code lifeboat.mailstore.calls} with tags {@code call}
 * (deliver, append, open) and {@code outcome}, and the counter {@code
 * lifeboat.mailstore.parse.failures} of messages stored unparsed.
 */
@Component
class MailstoreMetrics {

  static final String CALLS = "lifeboat.mailstore.calls";
  static final String PARSE_FAILURES = "lifeboat.mailstore.parse.failures";

  private final MeterRegistry registry;
  private final Counter parseFailures;

  MailstoreMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.parseFailures =
        Counter.builder(PARSE_FAILURES)
            .description("Messages stored unparsed because mime4j could not read them")
            .register(registry);
  }

  Timer.Sample start() {
    return Timer.start(registry);
  }

  void stop(Timer.Sample sample, String call, String outcome) {
    sample.stop(
        Timer.builder(CALLS)
            .description("Mailstore calls: delivering, appending and opening messages")
            .tag("call", call)
            .tag("outcome", outcome)
            .register(registry));
  }

  void parseFailed() {
    parseFailures.increment();
  }
}
