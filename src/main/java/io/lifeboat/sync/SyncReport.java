package io.lifeboat.sync;

import io.lifeboat.web.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one sync run: what it changed, or why it changed nothing. The API returns {@link
 * #toJson()}, and the customer's {@code reports/} folder gets that JSON and {@link ReportText the
 * readable text}.
 *
 * @param message one sentence on the outcome and, for a rejected file, what to do
 * @param lines lines read, blank lines and the header included
 * @param users users listed in the file
 * @param errors the first errors, at most the report limit; {@code errorCount} counts all
 */
record SyncReport(
    SyncJob job,
    SyncOutcome outcome,
    String message,
    Instant finished,
    long bytes,
    int lines,
    int users,
    Changes changes,
    int errorCount,
    List<SyncError> errors) {

  /**
   * The changes of an applied file, or those a rejected file would have made as far as known.
   *
   * @param missing active users that the file does not list, which an applied file deletes
   * @param activeBefore active users of the customer before the run
   * @param limitPercent the customer's deletion limit
   * @param deletedUsers the first deleted addresses, at most the report limit
   */
  record Changes(
      int created,
      int updated,
      int unchanged,
      int deleted,
      int restored,
      int missing,
      int activeBefore,
      int limitPercent,
      List<String> deletedUsers) {

    static final Changes NONE = new Changes(0, 0, 0, 0, 0, 0, 0, 0, List.of());
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("runId", job.runId());
    json.put("customer", job.customerId());
    json.put("file", job.fileName());
    json.put("source", job.source().wireName());
    json.put("uploadedBy", job.uploadedBy());
    json.put("clientAddress", job.clientAddress());
    json.put("force", job.forced());
    json.put("received", Timestamps.format(job.received()));
    json.put("finished", Timestamps.format(finished));
    json.put("outcome", outcome.wireName());
    json.put("message", message);
    json.put("bytes", bytes);
    json.put("lines", lines);
    json.put("users", users);
    json.put("created", changes.created());
    json.put("updated", changes.updated());
    json.put("unchanged", changes.unchanged());
    json.put("deleted", changes.deleted());
    json.put("restored", changes.restored());
    json.put("missingUsers", changes.missing());
    json.put("activeUsersBefore", changes.activeBefore());
    json.put("deletionLimitPercent", changes.limitPercent());
    json.put("errorCount", errorCount);
    json.put("errors", errors.stream().map(SyncReport::errorJson).toList());
    json.put("deletedUsers", changes.deletedUsers());
    return json;
  }

  private static Map<String, Object> errorJson(SyncError error) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("line", error.line());
    json.put("column", error.column());
    json.put("field", error.columnName());
    json.put("value", error.value());
    json.put("message", error.message());
    return json;
  }
}
