package io.lifeboat.mailstore;

import io.lifeboat.mailstore.SearchTermRepository.MessageTerms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores the search terms of newly stored messages in the background, many messages per
 * transaction. Each term is a row at a random place in the index, so one message touches about as
 * many index pages as it has distinct words, and storing them with the message made every delivery
 * rewrite those pages. In batches, messages share the pages and the commit.
 *
 * <p>A message is marked indexed in the transaction that stores its terms. Terms that are lost, by
 * a full queue, a failed batch or a stop, leave their message unindexed, and {@link
 * SearchIndex#rebuildAll} indexes it from its blob: at the next start, or on a thread of its own
 * once the queue is idle again after such a loss.
 */
@Component
class SearchIndexer implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);

  /** Messages whose terms are stored in one transaction, at most. */
  static final int BATCH = 500;

  /** Messages waiting for their terms, at most; beyond it, the rebuild indexes them later. */
  static final int CAPACITY = 20_000;

  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /** Work for the indexer thread: terms to store, or a request to report when all before it are. */
  private sealed interface Item permits Terms, Flush {}

  private record Terms(MessageTerms terms) implements Item {}

  private record Flush(CompletableFuture<Void> done) implements Item {}

  private final BlockingQueue<Item> waiting;
  private final SearchTermRepository repository;
  private final TransactionTemplate transactions;
  private final ObjectProvider<SearchIndex> searchIndex;
  private final AtomicLong unstored = new AtomicLong();
  private final AtomicBoolean lost = new AtomicBoolean();
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private final Thread worker;
  private volatile boolean stopped;

  @Autowired
  SearchIndexer(
      SearchTermRepository repository,
      TransactionTemplate transactions,
      ObjectProvider<SearchIndex> searchIndex) {
    this(repository, transactions, searchIndex, CAPACITY);
  }

  /** Creates an indexer whose queue takes at most {@code capacity} messages. */
  SearchIndexer(
      SearchTermRepository repository,
      TransactionTemplate transactions,
      ObjectProvider<SearchIndex> searchIndex,
      int capacity) {
    this.waiting = new LinkedBlockingQueue<>(capacity);
    this.repository = repository;
    this.transactions = transactions;
    this.searchIndex = searchIndex;
    this.worker = Thread.ofPlatform().name("search-indexer").daemon().start(this::run);
  }

  /** Hands over the terms of a committed message; the thread stores them soon after. */
  void add(long userId, long messageId, long[] terms) {
    unstored.incrementAndGet();
    if (stopped || !waiting.offer(new Terms(new MessageTerms(userId, messageId, terms)))) {
      unstored.decrementAndGet();
      if (lost.compareAndSet(false, true)) {
        log.warn(
            "Search indexer queue is full or stopped; message={} of user={} and later ones are"
                + " indexed from their blobs once the queue is idle",
            messageId,
            userId);
      }
    }
  }

  /**
   * Waits until the terms handed over before this call are stored, for at most {@code timeout}.
   * Returns false when that took longer, so that a search can report that its result may be missing
   * the newest messages.
   */
  boolean awaitStored(Duration timeout) {
    if (unstored.get() == 0) {
      return true;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (stopped || !waiting.offer(new Flush(done))) {
      return false;
    }
    try {
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Returns the number of messages and flush requests that wait for the thread. */
  int waiting() {
    return waiting.size();
  }

  private void run() {
    List<Item> batch = new ArrayList<>();
    while (!stopped || !waiting.isEmpty()) {
      try {
        Item first = waiting.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          sweepAfterLoss();
          continue;
        }
        batch.add(first);
        waiting.drainTo(batch, BATCH - 1);
        store(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.error("Search indexer failed; it goes on with the next batch", e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Stores the terms of a batch in one transaction, then completes the flush requests in it. */
  private void store(List<Item> batch) {
    List<MessageTerms> messages = new ArrayList<>();
    for (Item item : batch) {
      if (item instanceof Terms terms) {
        messages.add(terms.terms());
      }
    }
    if (!messages.isEmpty()) {
      try {
        transactions.executeWithoutResult(status -> repository.insertBatch(messages));
      } catch (RuntimeException e) {
        lost.set(true);
        log.error(
            "Storing search terms failed messages={} first={}; they are indexed from their blobs"
                + " once the queue is idle",
            messages.size(),
            messages.get(0).messageId(),
            e);
      } finally {
        unstored.addAndGet(-messages.size());
      }
    }
    for (Item item : batch) {
      if (item instanceof Flush flush) {
        flush.done().complete(null);
      }
    }
  }

  /**
   * Starts indexing from their blobs the messages whose terms were lost, once the queue is idle. It
   * runs on a thread of its own, so that new terms are still stored meanwhile.
   */
  private void sweepAfterLoss() {
    if (stopped || rebuilding.get() || !lost.compareAndSet(true, false)) {
      return;
    }
    rebuilding.set(true);
    Thread.ofPlatform()
        .name("search-index-sweep")
        .daemon()
        .start(
            () -> {
              try {
                long indexed = searchIndex.getObject().rebuildAll();
                log.info("Search indexer indexed messages={} whose terms were lost", indexed);
              } finally {
                rebuilding.set(false);
              }
            });
  }

  /**
   * Stores what is waiting, for at most a few seconds, and stops the thread. The thread is not
   * interrupted, because an interrupt during a database write can close H2's file.
   */
  @Override
  public void destroy() throws InterruptedException {
    stopped = true;
    worker.join(STOP_WAIT);
    if (worker.isAlive()) {
      log.warn(
          "Search indexer still busy after {}; unstored terms are indexed at the next start",
          STOP_WAIT);
    }
  }
}
