package io.lifeboat.sync;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
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
 * newest must win.
 *
 * <p>An SFTP upload is first recorded as a queued run and moved out of {@code upload/} into the
 * pending folder. After a restart, every run still queued is resumed from there before any new file
 * of its customer; an API upload still queued is finished as failed, because its client has already
 * lost the connection that would have told it the outcome.
 */
@Component
public class SyncQueue {

  private static final Logger log = LoggerFactory.getLogger(SyncQueue.class);

  private final SyncService service;
  private final SyncRunRepository runs;
  private final DropFolders folders;
  private final Clock clock;
  private final ExecutorService workers;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

  /** Runs queued by this process, which a resume after restart must not run a second time. */
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();

  private volatile boolean started;

  SyncQueue(
      SyncService service,
      SyncRunRepository runs,
      DropFolders folders,
      SyncProperties properties,
      Clock clock) {
    this.service = service;
    this.runs = runs;
    this.folders = folders;
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
   * customer's sight, then returns; the sync itself runs on a worker.
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
    Path pending = folders.pending(customerId).resolve(job.runId() + ".csv");
    try {
      folders.ensure(customerId);
      submitted.add(job.runId());
      runs.insertQueued(job);
      Files.move(uploaded, pending, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      log.error(
          "Sync pick-up failed customer={} file={}; the file stays in upload/",
          customerId,
          uploaded.getFileName(),
          e);
      service.abandon(job, "the file could not be picked up: " + e.getMessage());
      return;
    }
    log.info(
        "Sync queued customer={} run={} file={} login={} client={}",
        customerId,
        job.runId(),
        job.fileName(),
        login,
        clientAddress);
    lane(customerId).submit(() -> service.run(job.withFile(pending)), false);
  }

  /**
   * Rejects an SFTP upload that did not complete, such as one that broke the size limit; the part
   * that arrived is deleted and a report says why.
   */
  public void uploadFailed(
      String customerId, Path uploaded, String login, String clientAddress, String reason) {
    SyncJob job = sftpJob(customerId, uploaded, login, clientAddress);
    try {
      submitted.add(job.runId());
      runs.insertQueued(job);
    } catch (RuntimeException e) {
      log.error("Sync run not recorded customer={} file={}", customerId, job.fileName(), e);
      return;
    }
    lane(customerId).submit(() -> service.rejectUpload(job, reason), false);
  }

  /** Records an API upload as a queued run before it waits for its turn. */
  void recordQueued(SyncJob job) {
    submitted.add(job.runId());
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

  /** Resumes the runs that a stop left queued, then starts taking new files. */
  @EventListener(ApplicationReadyEvent.class)
  void resume() {
    List<SyncJob> queued = runs.queued();
    Set<String> queuedIds = new HashSet<>();
    List<Runnable> resumed = new ArrayList<>();
    for (SyncJob job : queued) {
      queuedIds.add(job.runId());
      if (submitted.contains(job.runId())) {
        continue;
      }
      SyncJob ready = resumable(job);
      if (ready != null) {
        log.info(
            "Sync resumed after restart customer={} run={} file={}",
            job.customerId(),
            job.runId(),
            job.fileName());
        resumed.add(() -> lane(ready.customerId()).submit(() -> service.run(ready), true));
      }
    }
    // Submitted in reverse to the front of their lanes, so that the oldest runs first.
    for (int i = resumed.size() - 1; i >= 0; i--) {
      resumed.get(i).run();
    }
    cleanUpPending(queuedIds);
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

  /** Returns the job with its file ready in the pending folder, or null after abandoning it. */
  private SyncJob resumable(SyncJob job) {
    if (job.source() == SyncJob.Source.API) {
      deleteQuietly(folders.incoming().resolve(job.runId() + ".csv"));
      service.abandon(
          job,
          "the upload was interrupted by a restart before it was applied; nothing was changed."
              + " Upload the file again");
      return null;
    }
    Path pending = folders.pending(job.customerId()).resolve(job.runId() + ".csv");
    if (Files.exists(pending)) {
      return job.withFile(pending);
    }
    // The process stopped between recording the run and moving the file.
    Path uploaded = folders.upload(job.customerId()).resolve(job.fileName());
    try {
      if (Files.exists(uploaded)) {
        Files.move(uploaded, pending, StandardCopyOption.ATOMIC_MOVE);
        return job.withFile(pending);
      }
    } catch (IOException e) {
      log.error("Sync resume failed customer={} run={}", job.customerId(), job.runId(), e);
    }
    service.abandon(
        job, "the file was not found after a restart; nothing was changed. Upload it again");
    return null;
  }

  /**
   * Moves pending files of runs that are already finished to {@code processed/}: the process
   * stopped after the run committed and before the file was moved. Clears API spool files.
   */
  private void cleanUpPending(Set<String> queuedIds) {
    Path pendingRoot = folders.pendingRoot();
    if (Files.isDirectory(pendingRoot)) {
      try (DirectoryStream<Path> customers = Files.newDirectoryStream(pendingRoot)) {
        for (Path customer : customers) {
          cleanUpPending(customer, queuedIds);
        }
      } catch (IOException e) {
        log.error("Pending sync files not checked in {}", pendingRoot, e);
      }
    }
    Path incoming = folders.incoming();
    if (Files.isDirectory(incoming)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming)) {
        files.forEach(SyncQueue::deleteQuietly);
      } catch (IOException e) {
        log.error("API spool files not cleared in {}", incoming, e);
      }
    }
  }

  private void cleanUpPending(Path customerDir, Set<String> queuedIds) throws IOException {
    String customerId = customerDir.getFileName().toString();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(customerDir, "*.csv")) {
      for (Path file : files) {
        String runId = file.getFileName().toString().replaceFirst("\\.csv$", "");
        if (queuedIds.contains(runId)) {
          continue;
        }
        Path target = folders.processed(customerId).resolve("run_" + runId + ".csv");
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        log.warn(
            "Sync file of a finished run moved to processed/ customer={} run={}",
            customerId,
            runId);
      }
    } catch (IllegalArgumentException e) {
      log.warn("Unexpected folder among the pending sync files: {}", customerDir);
    }
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

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Could not delete {}", file, e);
    }
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
