package io.lifeboat.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for newly spooled messages: one thread takes every message that is waiting, flushes
 * the spool folder once for all of their renames, and inserts all of their queue rows in one
 * transaction. Under load this turns many small commits into a few large ones, so concurrent SMTP
 * sessions do not queue behind each other's commits. Each caller still returns only after its own
 * rows are committed.
 */
@Component
class GroupCommitter implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
  private static final int MAX_BATCH = 256;

  /** One message waiting for its commit; {@code insert} writes its rows. */
  private record Pending(Runnable insert, CompletableFuture<Void> done) {}

  private final BlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
  private final Spool spool;
  private final TransactionTemplate transactions;
  private final Thread committer;
  private volatile boolean stopped;

  GroupCommitter(Spool spool, TransactionTemplate transactions) {
    this.spool = spool;
    this.transactions = transactions;
    this.committer = Thread.ofPlatform().name("queue-group-commit").daemon().start(this::run);
  }

  /**
   * Runs {@code insert} in a shared transaction after the spool folder is flushed, and returns once
   * that transaction is committed.
   *
   * <p>An interrupt does not end the wait. Once handed over, the rows may be committed at any
   * moment, and a caller that gave up would report a failure for a queued message. The interrupt
   * stays set for the caller.
   */
  void commit(Runnable insert) throws IOException {
    Pending pending = new Pending(insert, new CompletableFuture<>());
    waiting.add(pending);
    // A commit handed over after the committer stopped would wait forever, so it is taken back.
    if (stopped && waiting.remove(pending)) {
      throw new IOException("queue commit failed: the service is shutting down");
    }
    try {
      pending.done().join();
    } catch (CompletionException e) {
      throw new IOException("queue commit failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!stopped) {
      try {
        batch.add(waiting.take());
        waiting.drainTo(batch, MAX_BATCH - 1);
        commitBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
    List<Pending> remaining = new ArrayList<>();
    waiting.drainTo(remaining);
    for (Pending pending : remaining) {
      pending
          .done()
          .completeExceptionally(new IOException("the service is shutting down; try again later"));
    }
  }

  /**
   * Commits a batch in one transaction. If that fails, commits each message alone, so that one bad
   * message fails only its own session.
   */
  private void commitBatch(List<Pending> batch) {
    try {
      spool.syncFolder();
      transactions.executeWithoutResult(status -> batch.forEach(p -> p.insert().run()));
      batch.forEach(p -> p.done().complete(null));
      return;
    } catch (IOException | RuntimeException e) {
      if (batch.size() == 1) {
        batch.get(0).done().completeExceptionally(e);
        return;
      }
      log.warn("Group commit of {} messages failed; committing them one by one", batch.size(), e);
    }
    for (Pending pending : batch) {
      try {
        transactions.executeWithoutResult(status -> pending.insert().run());
        pending.done().complete(null);
      } catch (RuntimeException e) {
        pending.done().completeExceptionally(e);
      }
    }
  }

  @Override
  public void destroy() {
    stopped = true;
    committer.interrupt();
  }
}
