package io.lifeboat.sync;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Takes complete uploads and runs their syncs on a small pool of worker threads, one file of a
 * customer at a time and in the order received, because each file is the whole directory and the
 * newest must win. Files that arrive before the application is ready wait until the runs left over
 * from the last stop have been queued ahead of them.
 */
@Component
public class SyncQueue {

  private static final Logger log = LoggerFactory.getLogger(SyncQueue.class);

  private final SyncService service;
  private final PendingRuns pending;
  private final SyncRunRepository runs;
  private final Clock clock;
  private final ExecutorService workers;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  /** Runs queued by this process, which the resume after a restart must leave alone. */
  private final Set<String> active = ConcurrentHashMap.newKeySet();

  private volatile boolean started;

  SyncQueue(
      SyncService service,
      PendingRuns pending,
      SyncRunRepository runs,
      SyncProperties properties,
      Clock clock) {
    this.service = service;
    this.pending = pending;
    this.runs = runs;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            properties.workers(),
            task -> {
              Thread thread = new Thread(task, "sync-worker-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Queues a file whose SFTP upload is complete. Records the run and moves the file out of the
   * customer's sight, then returns, because the sync itself runs on a worker.
   *
   * @param uploaded the file in the customer's {@code upload/} folder
   * @param login the SFTP login that uploaded it
   * @param clientAddress the client's IP address
   */
  public void uploadComplete(String customerId, Path uploaded, String login, String clientAddress) {
    if (!Files.isRegularFile(uploaded)) {
      return;
    }
    SyncJob job = sftpJob(customerId, uploaded, login, clientAddress);
    active.add(job.runId());
    SyncJob queued;
    try {
      queued = pending.accept(job);
    } catch (IOException | RuntimeException e) {
      log.error(
          "Sync pick-up failed customer={} file={}; the file stays in upload/",
          customerId,
          uploaded.getFileName(),
          e);
      return;
    }
    log.info(
        "Sync queued customer={} run={} file={} login={} client={}",
        customerId,
        job.runId(),
        job.fileName(),
        login,
        clientAddress);
    submit(queued, false);
  }

  /**
   * Rejects an SFTP upload that did not complete, such as one above the size limit. The part that
   * arrived is deleted, and the report states the reason.
   */
  public void uploadFailed(
      String customerId, Path uploaded, String login, String clientAddress, String reason) {
    SyncJob job = sftpJob(customerId, uploaded, login, clientAddress);
    active.add(job.runId());
    try {
      runs.insertQueued(job);
    } catch (RuntimeException e) {
      log.error("Sync run not recorded customer={} file={}", customerId, job.fileName(), e);
      return;
    }
    lane(customerId).submit(() -> service.rejectUpload(job, reason), false);
  }

  /** Records an API upload as a queued run before it waits for its turn. */
  void recordQueued(SyncJob job) {
    active.add(job.runId());
    runs.insertQueued(job);
  }

  /** Runs an API upload in its customer's turn and waits for its report. */
  SyncReport runNow(SyncJob job) throws InterruptedException {
    CompletableFuture<SyncReport> report = new CompletableFuture<>();
    lane(job.customerId())
        .submit(
            () -> {
              try {
                report.complete(service.run(job));
              } catch (RuntimeException | Error e) {
                report.completeExceptionally(e);
                throw e;
              }
            },
            false);
    try {
      return report.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("sync run " + job.runId() + " failed", e.getCause());
    }
  }

  /** Queues the runs that the last stop interrupted ahead of new files, then starts the workers. */
  @EventListener(ApplicationReadyEvent.class)
  void resume() {
    List<SyncJob> resumed = pending.recover(Set.copyOf(active));
    // Each goes to the front of its lane, so the oldest is put there last.
    for (int i = resumed.size() - 1; i >= 0; i--) {
      SyncJob job = resumed.get(i);
      log.info(
          "Sync resumed after restart customer={} run={} file={}",
          job.customerId(),
          job.runId(),
          job.fileName());
      submit(job, true);
    }
    started = true;
    lanes.values().forEach(Lane::dispatch);
  }

  @PreDestroy
  void stop() throws InterruptedException {
    workers.shutdown();
    if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
      log.warn("Sync workers still busy at shutdown; their runs resume at the next start");
      workers.shutdownNow();
    }
  }

  private void submit(SyncJob job, boolean first) {
    lane(job.customerId())
        .submit(
            () -> {
              service.run(job);
              pending.finished(job);
            },
            first);
  }

  private SyncJob sftpJob(String customerId, Path uploaded, String login, String clientAddress) {
    String name = uploaded.getFileName().toString();
    return new SyncJob(
        UUID.randomUUID().toString(),
        customerId,
        name,
        SyncJob.Source.SFTP,
        login,
        clientAddress,
        SyncJob.isForceName(name),
        clock.instant(),
        uploaded);
  }

  private Lane lane(String customerId) {
    return lanes.computeIfAbsent(customerId, id -> new Lane());
  }

  /**
   * The files of one customer: at most one of them runs at a time, in order. After each file the
   * lane goes back to the pool's queue, so that one busy customer does not hold a worker.
   */
  private final class Lane {
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    synchronized void submit(Runnable task, boolean first) {
      if (first) {
        tasks.addFirst(task);
      } else {
        tasks.addLast(task);
      }
      dispatch();
    }

    synchronized void dispatch() {
      if (!running && started && !tasks.isEmpty()) {
        running = true;
        workers.execute(this::runNext);
      }
    }

    private void runNext() {
      Runnable task;
      synchronized (this) {
        task = tasks.pollFirst();
      }
      try {
        if (task != null) {
          task.run();
        }
      } catch (RuntimeException e) {
        log.error("Sync task failed", e);
      } finally {
        synchronized (this) {
          running = false;
          dispatch();
        }
      }
    }
  }
}
