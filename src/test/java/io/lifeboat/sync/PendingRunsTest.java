package io.lifeboat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a restart finds in the pending folder and the run table, checked on the running service by
 * calling the recovery directly with files and rows as a killed process leaves them.
 */
class PendingRunsTest extends SyncTestSupport {

  @Autowired PendingRuns pending;
  @Autowired SyncRunRepository runs;
  @Autowired SyncService service;
  @Autowired DropFolders folders;

  @Test
  void unrecordedPendingFileIsSynced() throws IOException {
    TestCustomer customer = newCustomer(10, false);
    String runId = UUID.randomUUID().toString();
    Path dir = folders.pending(customer.id());
    Files.createDirectories(dir);
    Path file = Files.writeString(dir.resolve(runId + ".csv"), file(customer, 3));
    Files.writeString(
        dir.resolve(runId + ".json"),
        "{\"runId\":\""
            + runId
            + "\",\"customer\":\""
            + customer.id()
            + "\",\"file\":\"users.csv\",\"uploadedBy\":\""
            + customer.id()
            + "\",\"clientAddress\":\"127.0.0.1\",\"force\":false,\"received\":\""
            + Instant.now()
            + "\"}");

    List<SyncJob> resumed = pending.recover(Set.of());

    assertThat(resumed).extracting(SyncJob::runId).containsExactly(runId);
    SyncJob job = resumed.get(0);
    assertThat(job.fileName()).isEqualTo("users.csv");
    assertThat(job.file()).isEqualTo(file);
    assertThat(runs.exists(runId)).as("queued row restored").isTrue();
    assertThat(service.run(job).outcome()).isEqualTo(SyncOutcome.APPLIED);
    pending.finished(job);
    assertThat(users(customer)).hasSize(3);
    assertThat(dir.resolve(runId + ".json")).doesNotExist();
    assertThat(file).doesNotExist();
  }

  @Test
  void finishedRunFileMovesToProcessed() throws IOException {
    TestCustomer customer = newCustomer(10, false);
    Answer applied = postSync(customer, file(customer, 2), null);
    String runId = (String) applied.body().get("id");
    Path dir = folders.pending(customer.id());
    Files.createDirectories(dir);
    Path file = Files.writeString(dir.resolve(runId + ".csv"), file(customer, 2));

    List<SyncJob> resumed = pending.recover(Set.of());

    assertThat(resumed).isEmpty();
    assertThat(file).doesNotExist();
    assertThat(folders.processed(customer.id()).resolve("run_" + runId + ".csv")).exists();
  }

  @Test
  void queuedApiRunIsFinishedAsFailed() {
    TestCustomer customer = newCustomer(10, false);
    String runId = UUID.randomUUID().toString();
    runs.insertQueued(
        new SyncJob(
            runId,
            customer.id(),
            "api-upload.csv",
            SyncJob.Source.API,
            customer.apiUser(),
            "127.0.0.1",
            false,
            Instant.now(),
            null));

    List<SyncJob> resumed = pending.recover(Set.of());

    assertThat(resumed).isEmpty();
    Answer report = customerGet(customer, "/sync/" + runId);
    assertThat(report.map("report").get("outcome")).isEqualTo("failed");
    assertThat((String) report.map("report").get("message")).contains("interrupted by a restart");
  }

  @Test
  void queuedRunFileInUploadIsResumed() throws IOException {
    TestCustomer customer = newCustomer(10, false);
    folders.ensure(customer.id());
    Path uploaded =
        Files.writeString(folders.upload(customer.id()).resolve("late.csv"), file(customer, 1));
    String runId = UUID.randomUUID().toString();
    runs.insertQueued(
        new SyncJob(
            runId,
            customer.id(),
            "late.csv",
            SyncJob.Source.SFTP,
            customer.id(),
            "127.0.0.1",
            false,
            Instant.now(),
            null));

    List<SyncJob> resumed = pending.recover(Set.of());

    assertThat(resumed).extracting(SyncJob::runId).containsExactly(runId);
    assertThat(uploaded).doesNotExist();
    assertThat(resumed.get(0).file()).exists();
    assertThat(service.run(resumed.get(0)).outcome()).isEqualTo(SyncOutcome.APPLIED);
    pending.finished(resumed.get(0));
  }
}
