package io.lifeboat.delivery;

import io.lifeboat.delivery.DsnWriter.Failure;
import io.lifeboat.delivery.MessageDelivery.Attempt;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the attempts for one message: marks rows delivered, deferred or bounced, queues bounce
 * and delay notices to the sender in the same transaction, and removes the message once every
 * recipient is final.
 */
class OutcomeRecorder {

  private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final QueueRepository repository;
  private final MessageQueue queue;
  private final Spool spool;
  private final DeliveryProperties properties;
  private final DeliveryMetrics metrics;
  private final TransactionTemplate transactions;
  private final String reportingHost;
  private final Clock clock;

  OutcomeRecorder(
      QueueRepository repository,
      MessageQueue queue,
      Spool spool,
      DeliveryProperties properties,
      DeliveryMetrics metrics,
      TransactionTemplate transactions,
      String reportingHost,
      Clock clock) {
    this.repository = repository;
    this.queue = queue;
    this.spool = spool;
    this.properties = properties;
    this.metrics = metrics;
    this.transactions = transactions;
    this.reportingHost = reportingHost;
    this.clock = clock;
  }

  /**
   * Records the attempts, which all belong to one message, and deletes the message's rows and then
   * its spool file once every recipient is final.
   *
   * <p>Usually that is seen in the recording transaction, which saves a commit. A delivery of other
   * recipients of the same message running at the same time is not seen there, so when rows are
   * still pending, a second transaction checks again after the commit.
   */
  void record(List<Attempt> attempts) {
    Instant now = clock.instant();
    String messageId = attempts.get(0).entry().messageId();
    boolean removed =
        Boolean.TRUE.equals(
            transactions.execute(
                status -> {
                  recordInTransaction(attempts, now);
                  return removeIfFinal(messageId);
                }));
    if (!removed) {
      removed = Boolean.TRUE.equals(transactions.execute(status -> removeIfFinal(messageId)));
    }
    if (removed) {
      deleteSpoolFile(messageId);
    }
  }

  private void recordInTransaction(List<Attempt> attempts, Instant now) {
    List<Failure> bounced = new ArrayList<>();
    List<Failure> delayed = new ArrayList<>();
    List<Long> delayedIds = new ArrayList<>();
    for (Attempt attempt : attempts) {
      QueueEntry entry = attempt.entry();
      Outcome outcome = expireIfDue(entry, attempt.outcome(), now);
      metrics.attempt(attempt.route(), outcome.kind());
      switch (outcome.kind()) {
        case DELIVERED -> {
          repository.markDelivered(entry.id(), attempt.route());
          log.info(
              "Delivered queue={} row={} to=<{}> route={} {}",
              entry.messageId(),
              entry.id(),
              entry.recipient(),
              attempt.route(),
              outcome.detail() == null ? "" : outcome.detail());
        }
        case BOUNCED -> {
          repository.markBounced(entry.id(), attempt.route(), outcome.detail());
          bounced.add(new Failure(entry.recipient(), outcome));
          log.info(
              "Bounced queue={} row={} to=<{}> route={}: {}",
              entry.messageId(),
              entry.id(),
              entry.recipient(),
              attempt.route(),
              outcome.detail());
        }
        case DEFERRED -> {
          Duration wait =
              Backoff.after(entry.attempts() + 1, properties.retryInitial(), properties.retryMax());
          repository.markDeferred(entry.id(), attempt.route(), outcome.detail(), now.plus(wait));
          log.warn(
              "Deferred queue={} row={} to=<{}> route={} attempt={} retry in {}s: {}",
              entry.messageId(),
              entry.id(),
              entry.recipient(),
              attempt.route(),
              entry.attempts() + 1,
              wait.toSeconds(),
              outcome.detail());
          if (!entry.delayNotified()
              && !now.isBefore(entry.received().plus(properties.delayNotice()))) {
            delayed.add(new Failure(entry.recipient(), outcome));
            delayedIds.add(entry.id());
          }
        }
      }
    }
    QueueEntry first = attempts.get(0).entry();
    if (!bounced.isEmpty()) {
      notifySender(first, bounced, false, now);
    }
    if (!delayed.isEmpty()) {
      notifySender(first, delayed, true, now);
      repository.markDelayNotified(delayedIds);
    }
  }

  /** Turns a deferral into a bounce once the retry period since receipt has run out. */
  private Outcome expireIfDue(QueueEntry entry, Outcome outcome, Instant now) {
    if (outcome.kind() != Outcome.Kind.DEFERRED
        || now.isBefore(entry.received().plus(properties.retryPeriod()))) {
      return outcome;
    }
    return Outcome.bounced(
        "4.4.7 delivery time expired after "
            + properties.retryPeriod()
            + "; last error: "
            + outcome.detail());
  }

  /** Queues a bounce or delay notice to the envelope sender; never to the null sender. */
  private void notifySender(
      QueueEntry message, List<Failure> failures, boolean delayed, Instant now) {
    if (message.sender().isEmpty()) {
      log.info(
          "No {} notice for queue={} because its sender is the null sender",
          delayed ? "delay" : "bounce",
          message.messageId());
      return;
    }
    // A report quotes remote replies and the original header, either of which may be 8-bit.
    Envelope envelope = new Envelope("", List.of(message.sender()), message.smtputf8(), true);
    Instant retryUntil = message.received().plus(properties.retryPeriod());
    try {
      String dsnId =
          queue.submit(
              envelope,
              Origin.DSN,
              (queueId, out) -> {
                try (InputStream original = spool.open(message.messageId())) {
                  DsnWriter.write(
                      out,
                      reportingHost,
                      queueId,
                      message.messageId(),
                      message.sender(),
                      message.received(),
                      now,
                      retryUntil,
                      delayed,
                      failures,
                      original);
                }
              });
      log.info(
          "Queued {} notice queue={} for queue={} to=<{}>",
          delayed ? "delay" : "bounce",
          dsnId,
          message.messageId(),
          message.sender());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "queueing a delivery status notification for queue " + message.messageId() + " failed",
          e);
    }
  }

  /** Deletes the rows of a message whose recipients are all final; returns whether it did. */
  private boolean removeIfFinal(String messageId) {
    return repository.pendingCount(messageId) == 0 && repository.delete(messageId);
  }

  private void deleteSpoolFile(String messageId) {
    try {
      spool.delete(messageId);
    } catch (IOException e) {
      log.warn("Spool file queue={} could not be deleted; it is removed later", messageId, e);
    }
    log.info("Removed queue={}: every recipient is delivered or bounced", messageId);
  }
}
