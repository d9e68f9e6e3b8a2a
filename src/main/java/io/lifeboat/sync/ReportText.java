package io.lifeboat.sync;

import io.lifeboat.web.Timestamps;
import java.util.Locale;

/** Renders a sync report as the plain text file that the customer reads in {@code reports/}. */
final class ReportText {

  private ReportText() {}

  static String render(SyncReport report) {
    SyncJob job = report.job();
    StringBuilder text = new StringBuilder(1024);
    text.append("Lifeboat directory sync report\n\n");
    row(text, "Outcome", report.outcome().wireName());
    row(text, "Message", report.message());
    row(text, "File", job.fileName());
    row(
        text,
        "Size",
        String.format(
            Locale.ROOT,
            "%,d bytes, %,d lines, %,d users",
            report.bytes(),
            report.lines(),
            report.users()));
    row(text, "Customer", job.customerId());
    row(text, "Uploaded by", uploader(job));
    row(text, "Forced", job.forced() ? "yes" : "no");
    row(text, "Received", Timestamps.format(job.received()));
    row(text, "Finished", Timestamps.format(report.finished()));
    row(text, "Run id", job.runId());
    text.append('\n');

    SyncReport.Changes changes = report.changes();
    if (report.outcome() == SyncOutcome.APPLIED) {
      row(text, "Created", Integer.toString(changes.created()));
      row(text, "Updated", Integer.toString(changes.updated()));
      row(text, "Unchanged", Integer.toString(changes.unchanged()));
      row(text, "Deleted", Integer.toString(changes.deleted()));
      row(text, "Restored", Integer.toString(changes.restored()));
    } else if (report.outcome() == SyncOutcome.OVER_LIMIT) {
      row(text, "Active users", Integer.toString(changes.activeBefore()));
      row(text, "Not in file", Integer.toString(changes.missing()));
      row(text, "Limit", changes.limitPercent() + " %");
    }

    if (report.errorCount() > 0) {
      text.append("\nErrors (").append(report.errorCount()).append("):\n");
      for (SyncError error : report.errors()) {
        text.append("  ").append(error.location()).append(": ");
        if (error.value() != null) {
          text.append('"').append(error.value()).append("\": ");
        }
        text.append(error.message()).append('\n');
      }
      int unlisted = report.errorCount() - report.errors().size();
      if (unlisted > 0) {
        text.append("  and ").append(unlisted).append(" more errors, not listed\n");
      }
    }
    if (!changes.deletedUsers().isEmpty()) {
      text.append("\nDeleted users (").append(changes.deleted()).append("):\n");
      changes.deletedUsers().forEach(email -> text.append("  ").append(email).append('\n'));
      int unlisted = changes.deleted() - changes.deletedUsers().size();
      if (unlisted > 0) {
        text.append("  and ").append(unlisted).append(" more, not listed\n");
      }
    }
    return text.toString();
  }

  private static String uploader(SyncJob job) {
    String channel = job.source() == SyncJob.Source.SFTP ? "over SFTP" : "through the API";
    String from = job.clientAddress() == null ? "" : " from " + job.clientAddress();
    return job.uploadedBy() + " " + channel + from;
  }

  private static void row(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "%-13s %s", label + ":", value == null ? "" : value));
    text.append('\n');
  }
}
