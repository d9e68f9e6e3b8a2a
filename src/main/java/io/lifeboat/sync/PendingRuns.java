package io.lifeboat.sync;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The pending folder, where complete SFTP uploads wait out of the customer's sight until their run
 * has finished. A file there is the durable proof that its upload was complete. So after a restart
 * every file there is synced, even when the database lost the row that queued it, which an H2 file
 * database can do with the last commits of a killed process. For that case each file has a JSON
 * sidecar with the run's metadata.
 */
@Component
class PendingRuns {

  private static final Logger log = LoggerFactory.getLogger(PendingRuns.class);
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  private final DropFolders folders;
  private final SyncRunRepository runs;
  private final SyncService service;
  private final ObjectMapper json;

  PendingRuns(DropFolders folders, SyncRunRepository runs, SyncService service, ObjectMapper json) {
    this.folders = folders;
    this.runs = runs;
    this.service = service;
    this.json = json;
  }

  /**
   * Records a complete upload as a queued run and moves it into the pending folder. Returns the job
   * with its new path.
   */
  SyncJob accept(SyncJob job) throws IOException {
    return moveIn(job, true);
  }

  private SyncJob moveIn(SyncJob job, boolean record) throws IOException {
    folders.ensure(job.customerId());
    Path pending = dataFile(job);
    Files.writeString(sidecar(pending), json.writeValueAsString(metadata(job)));
    if (record) {
      runs.insertQueued(job);
    }
    Files.move(job.file(), pending, StandardCopyOption.ATOMIC_MOVE);
    return job.withFile(pending);
  }

  /** Removes what is left of a finished run in the pending folder. */
  void finished(SyncJob job) {
    deleteQuietly(sidecar(dataFile(job)));
  }

  /**
   * Returns the SFTP runs to resume after a restart, oldest first, with their files in the pending
   * folder. Finishes queued API runs as failed, because their clients lost the connection that
   * would have returned the outcome. Runs in {@code active} belong to this process and are left
   * alone.
   */
  List<SyncJob> recover(Set<String> active) {
    Map<String, SyncJob> queued = new LinkedHashMap<>();
    runs.queued().forEach(job -> queued.put(job.runId(), job));
    List<SyncJob> ready = new ArrayList<>();
    for (Path file : pendingFiles()) {
      String runId = file.getFileName().toString().replaceFirst("\\.csv$", "");
      if (active.contains(runId)) {
        queued.remove(runId);
        continue;
      }
      SyncJob job = queued.remove(runId);
      if (job == null) {
        job = unrecorded(file, runId);
      }
      if (job != null) {
        ready.add(job.withFile(file));
      }
    }
    for (SyncJob job : queued.values()) {
      if (!active.contains(job.runId())) {
        SyncJob moved = withoutPendingFile(job);
        if (moved != null) {
          ready.add(moved);
        }
      }
    }
    clearIncoming(active);
    warnAboutLeftUploads();
    ready.sort(Comparator.comparing(SyncJob::received).thenComparing(SyncJob::runId));
    return ready;
  }

  /** Handles a pending file whose run is not queued, because it finished or its row was lost. */
  private SyncJob unrecorded(Path file, String runId) {
    String customerId = file.getParent().getFileName().toString();
    if (runs.exists(runId)) {
      // The process stopped after the run committed and before its file was moved.
      moveToProcessed(customerId, file, runId);
      return null;
    }
    SyncJob job = readSidecar(sidecar(file), file);
    if (job == null) {
      log.error(
          "Sync file without any record moved to processed/ customer={} run={}", customerId, runId);
      moveToProcessed(customerId, file, runId);
      return null;
    }
    runs.insertQueued(job);
    log.warn(
        "Sync run restored from its pending file customer={} run={} file={}",
        customerId,
        runId,
        job.fileName());
    return job;
  }

  /** Handles a queued run without a pending file. Returns the run when it can still run. */
  private SyncJob withoutPendingFile(SyncJob job) {
    if (job.source() == SyncJob.Source.API) {
      deleteQuietly(folders.incoming().resolve(job.runId() + ".csv"));
      service.abandon(
          job,
          "the upload was interrupted by a restart before it was applied; nothing was changed."
              + " Upload the file again");
      return null;
    }
    // The process stopped between recording the run and moving the file.
    Path uploaded = folders.upload(job.customerId()).resolve(job.fileName());
    if (Files.isRegularFile(uploaded)) {
      try {
        return moveIn(job.withFile(uploaded), false);
      } catch (IOException e) {
        log.error("Sync resume failed customer={} run={}", job.customerId(), job.runId(), e);
      }
    }
    service.abandon(
        job, "the file was not found after a restart; nothing was changed. Upload it again");
    return null;
  }

  private List<Path> pendingFiles() {
    List<Path> files = new ArrayList<>();
    Path root = folders.pendingRoot();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (DirectoryStream<Path> customers = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path customer : customers) {
        try (DirectoryStream<Path> csv = Files.newDirectoryStream(customer, "*.csv")) {
          csv.forEach(files::add);
        }
        deleteOrphanSidecars(customer);
      }
    } catch (IOException e) {
      log.error("Pending sync files not read in {}", root, e);
    }
    return files;
  }

  private void deleteOrphanSidecars(Path customer) throws IOException {
    try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(customer, "*.json")) {
      for (Path sidecar : sidecars) {
        String name = sidecar.getFileName().toString();
        Path data = sidecar.resolveSibling(name.substring(0, name.length() - 5) + ".csv");
        if (!Files.exists(data)) {
          deleteQuietly(sidecar);
        }
      }
    }
  }

  /**
   * Logs the sync files in {@code upload/} folders. Such a file was either closed too shortly
   * before the last stop to be picked up, or its upload was cut off by the stop. Nothing
   * distinguishes the two, so it is not synced and the customer must upload it again.
   */
  private void warnAboutLeftUploads() {
    Path root = folders.sftpRoot();
    if (!Files.isDirectory(root)) {
      return;
    }
    try (DirectoryStream<Path> customers = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path customer : customers) {
        Path upload = customer.resolve(DropFolders.UPLOAD);
        if (!Files.isDirectory(upload)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(upload, "*.{csv,CSV}")) {
          for (Path file : files) {
            log.warn(
                "Sync file left in upload/ at the last stop is not synced customer={} file={};"
                    + " the customer must upload it again",
                customer.getFileName(),
                file.getFileName());
          }
        }
      }
    } catch (IOException e) {
      log.error("Upload folders not checked in {}", root, e);
    }
  }

  private void clearIncoming(Set<String> active) {
    Path incoming = folders.incoming();
    if (!Files.isDirectory(incoming)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(incoming)) {
      for (Path file : files) {
        String runId = file.getFileName().toString().replaceFirst("\\.csv$", "");
        if (!active.contains(runId)) {
          deleteQuietly(file);
        }
      }
    } catch (IOException e) {
      log.error("API spool files not cleared in {}", incoming, e);
    }
  }

  private void moveToProcessed(String customerId, Path file, String runId) {
    try {
      Path target = folders.processed(customerId).resolve("run_" + runId + ".csv");
      Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
      deleteQuietly(sidecar(file));
      log.warn(
          "Sync file of a finished run moved to processed/ customer={} run={}", customerId, runId);
    } catch (IOException | IllegalArgumentException e) {
      log.error("Pending sync file not moved customer={} run={}", customerId, runId, e);
    }
  }

  private Path dataFile(SyncJob job) {
    return folders.pending(job.customerId()).resolve(job.runId() + ".csv");
  }

  private static Path sidecar(Path dataFile) {
    String name = dataFile.getFileName().toString().replaceFirst("\\.csv$", "");
    return dataFile.resolveSibling(name + ".json");
  }

  private static Map<String, Object> metadata(SyncJob job) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("runId", job.runId());
    metadata.put("customer", job.customerId());
    metadata.put("file", job.fileName());
    metadata.put("uploadedBy", job.uploadedBy());
    metadata.put("clientAddress", job.clientAddress());
    metadata.put("force", job.forced());
    metadata.put("received", job.received().toString());
    return metadata;
  }

  private SyncJob readSidecar(Path sidecar, Path file) {
    if (!Files.isRegularFile(sidecar)) {
      return null;
    }
    try {
      Map<String, Object> m = json.readValue(Files.readString(sidecar), JSON_OBJECT);
      return new SyncJob(
          (String) m.get("runId"),
          (String) m.get("customer"),
          (String) m.get("file"),
          SyncJob.Source.SFTP,
          (String) m.get("uploadedBy"),
          (String) m.get("clientAddress"),
          Boolean.TRUE.equals(m.get("force")),
          Instant.parse((String) m.get("received")),
          file);
    } catch (IOException | RuntimeException e) {
      log.error("Sync sidecar file unreadable: {}", sidecar, e);
      return null;
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Sync file not deleted: {}", file, e);
    }
  }
}
