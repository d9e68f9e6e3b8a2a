package io.lifeboat.sync;

import io.lifeboat.web.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Sync runs with their reports, kept for the API and for resuming after a restart. */
@Repository
class SyncRunRepository {

  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};

  private static final String SUMMARY_COLUMNS =
      """
      id, customer_id, file_name, source, uploaded_by, client_address, forced, received, finished,
      outcome, created_count, updated_count, unchanged_count, deleted_count, restored_count,
      error_count
      """;

  private final JdbcClient jdbc;
  private final ObjectMapper json;

  SyncRunRepository(JdbcClient jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Records a complete upload before its sync starts, so that a restart can resume it. */
  void insertQueued(SyncJob job) {
    jdbc.sql(
            """
            INSERT INTO sync_run (id, customer_id, file_name, source, uploaded_by, client_address,
                                  forced, received, outcome)
            VALUES (:id, :customer, :file, :source, :uploadedBy, :clientAddress, :forced,
                    :received, :outcome)
            """)
        .param("id", job.runId())
        .param("customer", job.customerId())
        .param("file", job.fileName())
        .param("source", job.source().wireName())
        .param("uploadedBy", job.uploadedBy())
        .param("clientAddress", job.clientAddress())
        .param("forced", job.forced())
        .param("received", Timestamp.from(job.received()))
        .param("outcome", SyncOutcome.QUEUED.wireName())
        .update();
  }

  /**
   * Stores a run's outcome and report, inside the caller's transaction. Returns false when the run
   * is not queued any more, for example because another node finished it.
   */
  boolean finish(SyncReport report) {
    SyncReport.Changes changes = report.changes();
    return jdbc.sql(
                """
                UPDATE sync_run SET finished = :finished, outcome = :outcome,
                       created_count = :created, updated_count = :updated,
                       unchanged_count = :unchanged, deleted_count = :deleted,
                       restored_count = :restored, error_count = :errors, report = :report
                 WHERE id = :id AND outcome = :queued
                """)
            .param("finished", Timestamp.from(report.finished()))
            .param("outcome", report.outcome().wireName())
            .param("created", changes.created())
            .param("updated", changes.updated())
            .param("unchanged", changes.unchanged())
            .param("deleted", changes.deleted())
            .param("restored", changes.restored())
            .param("errors", report.errorCount())
            .param("report", json.writeValueAsString(report.toJson()))
            .param("id", report.job().runId())
            .param("queued", SyncOutcome.QUEUED.wireName())
            .update()
        == 1;
  }

  /** Returns a run's full JSON report, or its summary while it is queued. */
  Optional<Map<String, Object>> report(String customerId, String runId) {
    return jdbc.sql(
            "SELECT "
                + SUMMARY_COLUMNS
                + ", report FROM sync_run WHERE customer_id = :customer AND id = :id")
        .param("customer", customerId)
        .param("id", runId)
        .query((rs, n) -> fullReport(rs))
        .optional();
  }

  /** Returns the customer's newest run with its full report. */
  Optional<Map<String, Object>> latest(String customerId) {
    return jdbc.sql(
            "SELECT "
                + SUMMARY_COLUMNS
                + ", report FROM sync_run WHERE customer_id = :customer"
                + " ORDER BY received DESC, id DESC LIMIT 1")
        .param("customer", customerId)
        .query((rs, n) -> fullReport(rs))
        .optional();
  }

  /** Returns summaries of the customer's newest runs, newest first. */
  List<Map<String, Object>> history(String customerId, int limit) {
    return jdbc.sql(
            "SELECT "
                + SUMMARY_COLUMNS
                + " FROM sync_run WHERE customer_id = :customer"
                + " ORDER BY received DESC, id DESC LIMIT :limit")
        .param("customer", customerId)
        .param("limit", limit)
        .query((rs, n) -> summary(rs))
        .list();
  }

  /** Returns whether a run with this id was recorded, whatever its outcome. */
  boolean exists(String runId) {
    return jdbc.sql("SELECT COUNT(*) FROM sync_run WHERE id = :id")
            .param("id", runId)
            .query(Integer.class)
            .single()
        > 0;
  }

  /** Returns the jobs of every run still queued, oldest first, without their file paths. */
  List<SyncJob> queued() {
    return jdbc.sql(
            "SELECT "
                + SUMMARY_COLUMNS
                + " FROM sync_run WHERE outcome = :queued ORDER BY received, id")
        .param("queued", SyncOutcome.QUEUED.wireName())
        .query(
            (rs, n) ->
                new SyncJob(
                    rs.getString("id"),
                    rs.getString("customer_id"),
                    rs.getString("file_name"),
                    SyncJob.Source.valueOf(rs.getString("source").toUpperCase(Locale.ROOT)),
                    rs.getString("uploaded_by"),
                    rs.getString("client_address"),
                    rs.getBoolean("forced"),
                    rs.getTimestamp("received").toInstant(),
                    null))
        .list();
  }

  private Map<String, Object> fullReport(ResultSet rs) throws SQLException {
    String stored = rs.getString("report");
    return stored == null ? summary(rs) : json.readValue(stored, JSON_OBJECT);
  }

  private static Map<String, Object> summary(ResultSet rs) throws SQLException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("runId", rs.getString("id"));
    summary.put("customer", rs.getString("customer_id"));
    summary.put("file", rs.getString("file_name"));
    summary.put("source", rs.getString("source"));
    summary.put("uploadedBy", rs.getString("uploaded_by"));
    summary.put("clientAddress", rs.getString("client_address"));
    summary.put("force", rs.getBoolean("forced"));
    summary.put("received", Timestamps.format(rs.getTimestamp("received").toInstant()));
    Timestamp finished = rs.getTimestamp("finished");
    summary.put("finished", finished == null ? null : Timestamps.format(finished.toInstant()));
    summary.put("outcome", rs.getString("outcome"));
    summary.put("created", rs.getInt("created_count"));
    summary.put("updated", rs.getInt("updated_count"));
    summary.put("unchanged", rs.getInt("unchanged_count"));
    summary.put("deleted", rs.getInt("deleted_count"));
    summary.put("restored", rs.getInt("restored_count"));
    summary.put("errorCount", rs.getInt("error_count"));
    return summary;
  }
}
