package io.lifeboat.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Micrometer meters of inbound SMTP, exposed by Actuator under {@code lifeboat.smtp.*}. */
@Component
public class SmtpMetrics {

  private final MeterRegistry registry;
  private final AtomicInteger activeSessions = new AtomicInteger();
  private final Counter sessions;
  private final Counter accepted;
  private final Timer store;

  public SmtpMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("lifeboat.smtp.sessions.active", activeSessions);
    this.sessions = registry.counter("lifeboat.smtp.sessions");
    this.accepted = registry.counter("lifeboat.smtp.messages.accepted");
    this.store =
        Timer.builder("lifeboat.smtp.store")
            .description("Time to flush a message to the spool and commit its queue rows")
            .register(registry);
  }

  void sessionStarted() {
    sessions.increment();
    activeSessions.incrementAndGet();
  }

  void sessionEnded() {
    activeSessions.decrementAndGet();
  }

  int activeSessions() {
    return activeSessions.get();
  }

  void accepted() {
    accepted.increment();
  }

  /** Counts a rejected message; {@code reason} is a short stable word such as {@code size}. */
  void rejectedMessage(String reason) {
    registry.counter("lifeboat.smtp.messages.rejected", "reason", reason).increment();
  }

  void rejectedRecipient(int code) {
    registry
        .counter("lifeboat.smtp.recipients.rejected", "code", Integer.toString(code))
        .increment();
  }

  Timer store() {
    return store;
  }

  /** Returns the timer of one SMTP command verb. */
  public Timer command(String verb) {
    return Timer.builder("lifeboat.smtp.command").tag("command", verb).register(registry);
  }
}
