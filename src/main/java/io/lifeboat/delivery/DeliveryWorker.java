package io.lifeboat.delivery;

import io.lifeboat.delivery.MessageDelivery.Attempt;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers queued mail. One dispatcher thread claims due recipients with {@code SELECT ... FOR
 * UPDATE SKIP LOCKED}, so several nodes can share one database, and runs each claimed message on a
 * thread of its own, at most {@code lifeboat.delivery.concurrency} at once. At startup the rows
 * that this node had claimed before it stopped become due again. Rows of other nodes become due
 * when their lease runs out.
 */
public class DeliveryWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
  private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofMinutes(1);
  private static final Duration ORPHAN_AGE = Duration.ofHours(1);
  private static final int MAX_CLAIM = 100;

  private final QueueRepository repository;
  private final MessageDelivery delivery;
  private final OutcomeRecorder recorder;
  private final Spool spool;
  private final QueueSignal signal;
  private final DeliveryProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final FailoverWatch failoverWatch;
  private final Semaphore permits;
  private volatile boolean running;
  private Thread dispatcher;
  private ExecutorService workers;
  private Instant nextHousekeeping = Instant.EPOCH;

  DeliveryWorker(
      QueueRepository repository,
      MessageDelivery delivery,
      OutcomeRecorder recorder,
      Spool spool,
      QueueSignal signal,
      DeliveryProperties properties,
      TransactionTemplate transactions,
      Clock clock,
      FailoverWatch failoverWatch) {
    this.repository = repository;
    this.delivery = delivery;
    this.recorder = recorder;
    this.spool = spool;
    this.signal = signal;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
    this.failoverWatch = failoverWatch;
    this.permits = new Semaphore(properties.concurrency());
  }

  @Override
  public synchronized void start() {
    Integer released = transactions.execute(s -> repository.releaseNode(properties.nodeId()));
    if (released != null && released > 0) {
      log.info(
          "Delivery queue: {} recipients claimed by node {} before its last stop are due again",
          released,
          properties.nodeId());
    }
    // Platform threads, because a virtual thread that loads a class is pinned to its carrier: two
    // relays loading mail classes from the packaged jar at once have hung the whole process. A
    // fixed
    // pool, because Tink keeps a SecureRandom per thread, and a fresh thread per delivery made it
    // build a new one, with a failed class lookup for Conscrypt, for every message.
    workers =
        Executors.newFixedThreadPool(
            properties.concurrency(), Thread.ofPlatform().name("delivery-", 1).daemon().factory());
    running = true;
    dispatcher = Thread.ofPlatform().name("delivery-dispatcher").daemon().start(this::dispatch);
    log.info(
        "Delivery workers started node={} concurrency={}",
        properties.nodeId(),
        properties.concurrency());
  }

  @Override
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    signal.notifyQueued();
    try {
      dispatcher.join(Duration.ofSeconds(10));
      workers.shutdown();
      if (!workers.awaitTermination(20, TimeUnit.SECONDS)) {
        log.warn("Delivery workers still busy at shutdown; their recipients are retried at start");
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Delivery workers stopped node={}", properties.nodeId());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Starts before the SMTP listener and stops after it, so the queue drains what SMTP took in. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 200;
  }

  private void dispatch() {
    while (running) {
      try {
        housekeeping();
        failoverWatch.check();
        if (dispatchOnce() == 0) {
          signal.await(properties.pollInterval());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("Delivery dispatcher failed; retrying in {}", properties.pollInterval(), e);
        sleep(properties.pollInterval());
      }
    }
  }

  /** Claims due recipients for the free delivery slots and starts them; returns how many. */
  int dispatchOnce() throws InterruptedException {
    permits.acquire();
    permits.release();
    int free = Math.min(MAX_CLAIM, permits.availablePermits());
    if (free == 0) {
      return 0;
    }
    Instant now = clock.instant();
    List<Long> ids =
        transactions.execute(
            s -> repository.claimDue(now, free, properties.nodeId(), now.plus(properties.lease())));
    if (ids == null || ids.isEmpty()) {
      return 0;
    }
    Map<String, List<QueueEntry>> byMessage = new LinkedHashMap<>();
    for (QueueEntry entry : repository.load(ids)) {
      byMessage.computeIfAbsent(entry.messageId(), k -> new ArrayList<>()).add(entry);
    }
    for (List<QueueEntry> entries : byMessage.values()) {
      permits.acquire();
      workers.execute(() -> deliverMessage(entries));
    }
    return ids.size();
  }

  private void deliverMessage(List<QueueEntry> entries) {
    String messageId = entries.get(0).messageId();
    MDC.put("queueId", messageId);
    try {
      List<Attempt> attempts = delivery.deliver(entries);
      recorder.record(attempts);
    } catch (RuntimeException e) {
      log.error(
          "Delivery of queue={} failed unexpectedly; its recipients are retried after the lease",
          messageId,
          e);
    } finally {
      MDC.remove("queueId");
      permits.release();
      signal.notifyQueued();
    }
  }

  /** Once a minute: frees claims with an expired lease and deletes spool files without rows. */
  private void housekeeping() {
    Instant now = clock.instant();
    if (now.isBefore(nextHousekeeping)) {
      return;
    }
    nextHousekeeping = now.plus(HOUSEKEEPING_INTERVAL);
    Integer expired = transactions.execute(s -> repository.releaseExpired(now));
    if (expired != null && expired > 0) {
      log.warn("Delivery queue: {} recipients whose claim lease ran out are due again", expired);
    }
    try {
      for (String id : spool.idsOlderThan(now.minus(ORPHAN_AGE))) {
        if (!repository.messageExists(id)) {
          spool.delete(id);
          log.info("Deleted spool file queue={} that has no queue rows", id);
        }
      }
    } catch (IOException e) {
      log.warn("Listing the spool folder failed: {}", e.toString());
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
