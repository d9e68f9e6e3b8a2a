package io.lifeboat.sync;

import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs one sync file from start to end: read and check it, apply it or record why not, then write
 * the report into the customer's {@code reports/} folder and move the file to {@code processed/}.
 * The caller runs one file of a customer at a time.
 */
@Service
class SyncService {

  private static final Logger log = LoggerFactory.getLogger(SyncService.class);
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final CustomerRepository customers;
  private final SyncApplier applier;
  private final SyncRunRepository runs;
  private final AuditLog audit;
  private final DropFolders folders;
  private final SyncProperties properties;
  private final TransactionTemplate transactions;
  private final ObjectMapper json;
  private final Clock clock;

  SyncService(
      CustomerRepository customers,
      SyncApplier applier,
      SyncRunRepository runs,
      AuditLog audit,
      DropFolders folders,
      SyncProperties properties,
      TransactionTemplate transactions,
      ObjectMapper json,
      Clock clock) {
    this.customers = customers;
    this.applier = applier;
    this.runs = runs;
    this.audit = audit;
    this.folders = folders;
    this.properties = properties;
    this.transactions = transactions;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Processes a queued job and returns its report. A bad file, an unknown customer or a failed
   * apply becomes a report, so only a failure to store the run's record escapes.
   */
  SyncReport run(SyncJob job) {
    MDC.put("requestId", job.runId());
    try {
      log.info(
          "Sync started customer={} run={} file={} source={} uploadedBy={} force={}",
          job.customerId(),
          job.runId(),
          job.fileName(),
          job.source().wireName(),
          job.uploadedBy(),
          job.forced());
      SyncReport report = process(job);
      publish(report);
      log.info(
          "Sync finished customer={} run={} outcome={} {}",
          job.customerId(),
          job.runId(),
          report.outcome().wireName(),
          summary(report));
      return report;
    } finally {
      MDC.remove("requestId");
    }
  }

  /**
   * Rejects an upload that never completed properly, such as one that broke the size limit, and
   * deletes what arrived of it.
   */
  SyncReport rejectUpload(SyncJob job, String message) {
    try {
      Files.deleteIfExists(job.file());
    } catch (IOException e) {
      log.warn("Partial upload not deleted customer={} file={}", job.customerId(), job.file(), e);
    }
    SyncReport report =
        reject(job, SyncOutcome.INVALID, message, null, List.of(SyncError.ofFile(message)));
    publish(report);
    log.info(
        "Sync rejected customer={} run={} file={} reason={}",
        job.customerId(),
        job.runId(),
        job.fileName(),
        message);
    return report;
  }

  /** Finishes a queued run that cannot be processed any more, for example after a restart. */
  void abandon(SyncJob job, String message) {
    reject(job, SyncOutcome.FAILED, message, null, List.of());
    log.warn(
        "Sync abandoned customer={} run={} file={} reason={}",
        job.customerId(),
        job.runId(),
        job.fileName(),
        message);
  }

  /** Copies an API request body to the incoming folder and returns the file. */
  Path spool(String runId, InputStream body) throws IOException {
    Path incoming = folders.incoming();
    Files.createDirectories(incoming);
    Path file = incoming.resolve(runId + ".csv");
    try {
      Files.copy(body, file);
    } catch (IOException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return file;
  }

  private SyncReport process(SyncJob job) {
    Optional<Customer> customer = customers.find(job.customerId());
    if (customer.isEmpty()) {
      return reject(
          job, SyncOutcome.FAILED, "customer " + job.customerId() + " not found", null, List.of());
    }
    ParsedFile file;
    try (InputStream in = Files.newInputStream(job.file())) {
      Customer c = customer.get();
      SyncFileParser parser =
          new SyncFileParser(
              customers.domainNames(c.id()), properties.maxUsers(), properties.reportMaxEntries());
      file = parser.parse(in);
    } catch (IOException | UncheckedIOException e) {
      log.error("Sync file unreadable customer={} run={}", job.customerId(), job.runId(), e);
      return reject(
          job,
          SyncOutcome.FAILED,
          "the file could not be read: " + e.getMessage() + "; upload it again",
          null,
          List.of());
    }
    if (!file.valid()) {
      return reject(
          job,
          SyncOutcome.INVALID,
          "the file has "
              + file.errorCount()
              + (file.errorCount() == 1 ? " error" : " errors")
              + " and was not applied; nothing was changed. Fix the lines listed and upload the"
              + " whole file again",
          file,
          file.errors());
    }
    return apply(job, file);
  }

  private SyncReport apply(SyncJob job, ParsedFile file) {
    try {
      return applier.apply(job, file, actor(job));
    } catch (SyncApplier.OverLimitException e) {
      SyncReport.Changes c = e.changes();
      String confirm =
          job.source() == SyncJob.Source.SFTP
              ? "upload it again named *" + SyncJob.FORCE_SUFFIX
              : "upload it again with force=true";
      return reject(
          job,
          SyncOutcome.OVER_LIMIT,
          e.getMessage() + "; nothing was changed. If these deletions are intended, " + confirm,
          file,
          List.of(),
          c);
    } catch (InvalidInputException e) {
      List<SyncError> errors =
          e.violations().stream()
              .map(SyncService::fileError)
              .limit(properties.reportMaxEntries())
              .toList();
      return reject(
          job,
          SyncOutcome.INVALID,
          "the file was not applied; nothing was changed: " + e.getMessage(),
          file,
          errors);
    } catch (ConflictException e) {
      return reject(
          job,
          SyncOutcome.INVALID,
          "the file was not applied; nothing was changed: " + e.getMessage(),
          file,
          List.of(SyncError.ofFile(e.getMessage())));
    } catch (RuntimeException e) {
      log.error("Sync failed customer={} run={}", job.customerId(), job.runId(), e);
      return reject(
          job,
          SyncOutcome.FAILED,
          "internal error; nothing was changed. Upload the file again, and quote run id "
              + job.runId()
              + " if it fails again",
          file,
          List.of());
    }
  }

  private SyncReport reject(
      SyncJob job, SyncOutcome outcome, String message, ParsedFile file, List<SyncError> errors) {
    return reject(job, outcome, message, file, errors, SyncReport.Changes.NONE);
  }

  /** Finishes a run that changed no user, with its audit entry, in a transaction of its own. */
  private SyncReport reject(
      SyncJob job,
      SyncOutcome outcome,
      String message,
      ParsedFile file,
      List<SyncError> errors,
      SyncReport.Changes changes) {
    int errorCount = file != null && !file.valid() ? file.errorCount() : errors.size();
    SyncReport report =
        new SyncReport(
            job,
            outcome,
            message,
            clock.instant(),
            file == null ? 0 : file.bytes(),
            file == null ? 0 : file.lines(),
            file == null ? 0 : file.users().size(),
            changes,
            errorCount,
            errors);
    String action = outcome == SyncOutcome.FAILED ? "sync.failed" : "sync.rejected";
    transactions.executeWithoutResult(
        status -> {
          if (runs.finish(report)) {
            audit.record(
                actor(job),
                new Change(job.customerId(), null, action, "file", null, summary(report)));
          }
        });
    return report;
  }

  /**
   * Writes the text and JSON report into {@code reports/} and moves the input file to {@code
   * processed/}, both named after the file, the time received and the run id. A failure here is
   * only logged, because the run's outcome is already stored and the API returns the report.
   */
  private void publish(SyncReport report) {
    SyncJob job = report.job();
    String stem = fileStem(job);
    try {
      folders.ensure(job.customerId());
      Path reports = folders.reports(job.customerId());
      writeAtomically(reports.resolve(stem + ".txt"), ReportText.render(report));
      writeAtomically(
          reports.resolve(stem + ".json"),
          json.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()) + "\n");
      if (job.file() != null && Files.exists(job.file())) {
        Files.move(
            job.file(),
            folders.processed(job.customerId()).resolve(stem + ".csv"),
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      log.error(
          "Sync report not written customer={} run={}; the API still has it",
          job.customerId(),
          job.runId(),
          e);
    }
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.writeString(temporary, content, StandardCharsets.UTF_8);
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Returns the name of a run's report and processed file without extension: the customer's file
   * name reduced to safe characters, the time received and the start of the run id.
   */
  static String fileStem(SyncJob job) {
    String name = job.fileName();
    if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      name = name.substring(0, name.length() - 4);
    }
    name = name.replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.isEmpty() || name.startsWith(".")) {
      name = "sync" + name;
    }
    String id = job.runId().replace("-", "");
    return name
        + "_"
        + FILE_TIME.format(job.received())
        + "_"
        + id.substring(0, Math.min(8, id.length()));
  }

  /** Returns the one-line summary used in the audit entry and the log. */
  static String summary(SyncReport report) {
    SyncReport.Changes c = report.changes();
    return report.job().fileName()
        + " via "
        + report.job().source().wireName()
        + " outcome="
        + report.outcome().wireName()
        + " created="
        + c.created()
        + " updated="
        + c.updated()
        + " unchanged="
        + c.unchanged()
        + " deleted="
        + c.deleted()
        + " restored="
        + c.restored()
        + " errors="
        + report.errorCount();
  }

  static Actor actor(SyncJob job) {
    String name =
        job.source() == SyncJob.Source.SFTP ? "sftp:" + job.uploadedBy() : job.uploadedBy();
    return new Actor(job.runId(), name, job.clientAddress());
  }

  private static SyncError fileError(Violation violation) {
    return new SyncError(0, null, violation.field(), violation.value(), violation.message());
  }
}
