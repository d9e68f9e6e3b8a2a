package io.lifeboat.crypto;

import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.ConflictException;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Rotates the master key: makes a new key primary, re-wraps everything wrapped under the old key
 * through each {@link MasterKeyRewrapper}, then retires the old key file. The job runs in one
 * background thread. A rotation that failed, or that a stopped process left unfinished, resumes at
 * the next start or through {@link #resume}, because {@code master.key.next} still exists and every
 * re-wrapped row records its key.
 */
@Service
public class MasterKeyRotation {

  static final String STARTED = "master-key-rotation-started";
  static final String FINISHED = "master-key-rotation-finished";

  private static final int MAX_PASSES = 100;
  private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);

  /** A rotation as stored in {@code master_key_rotation}. */
  public record Rotation(
      long id,
      String oldKeyId,
      String newKeyId,
      String state,
      Actor actor,
      Instant started,
      Instant finished,
      long rewrapped,
      String lastError) {}

  private final MasterKey masterKey;
  private final List<MasterKeyRewrapper> rewrappers;
  private final JdbcClient jdbc;
  private final AuditLog audit;
  private final Clock clock;
  private final int batchSize;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("master-key-rotation").factory());
  private volatile boolean running;

  public MasterKeyRotation(
      MasterKey masterKey,
      List<MasterKeyRewrapper> rewrappers,
      JdbcClient jdbc,
      AuditLog audit,
      Clock clock,
      @Value("${lifeboat.master-key-rotation.batch-size:100}") int batchSize) {
    this.masterKey = masterKey;
    this.rewrappers = List.copyOf(rewrappers);
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
    this.batchSize = Math.max(1, batchSize);
  }

  /**
   * Starts a rotation to {@code newKey}, or to a generated key when it is null, and returns it.
   *
   * @throws ConflictException when a rotation has not finished or the key comes from configuration
   */
  public synchronized Rotation start(Actor actor, byte[] newKey) {
    if (masterKey.fromConfiguration()) {
      throw new ConflictException(
          "the master key is set by lifeboat.master-key, which the API cannot change: move it"
              + " into the file master.key in the data folder and unset lifeboat.master-key");
    }
    if (masterKey.rotationInProgress()) {
      throw new ConflictException(
          "the rotation to master key "
              + masterKey.primaryKeyId()
              + " has not finished; resume it with POST /operator/v1/master-key/rotation/resume");
    }
    String oldKeyId = masterKey.primaryKeyId();
    String newKeyId = masterKey.beginRotation(newKey == null ? MasterKey.generate() : newKey);
    Instant now = clock.instant();
    jdbc.sql(
            """
            INSERT INTO master_key_rotation (old_key_id, new_key_id, state, actor, request_id,
                                             client_address, started)
            VALUES (:old, :new, 'running', :actor, :request, :client, :started)
            """)
        .param("old", oldKeyId)
        .param("new", newKeyId)
        .param("actor", actor.name())
        .param("request", actor.requestId())
        .param("client", actor.clientAddress())
        .param("started", Timestamp.from(now))
        .update();
    audit.record(actor, new Change(null, null, STARTED, "masterKeyId", oldKeyId, newKeyId));
    Rotation rotation = latest().orElseThrow();
    submit(rotation);
    return rotation;
  }

  /**
   * Resumes an unfinished rotation that is not running.
   *
   * @throws ConflictException when there is none or it runs
   */
  public synchronized Rotation resume() {
    if (!masterKey.rotationInProgress()) {
      throw new ConflictException("no master key rotation is unfinished");
    }
    if (running) {
      throw new ConflictException("the master key rotation is running");
    }
    Rotation rotation = unfinishedRotation();
    submit(rotation);
    return latest().orElseThrow();
  }

  /** Returns the latest rotation, if any. */
  public Optional<Rotation> latest() {
    return jdbc.sql("SELECT * FROM master_key_rotation ORDER BY id DESC LIMIT 1")
        .query(
            (rs, n) ->
                new Rotation(
                    rs.getLong("id"),
                    rs.getString("old_key_id"),
                    rs.getString("new_key_id"),
                    rs.getString("state"),
                    new Actor(
                        rs.getString("request_id"),
                        rs.getString("actor"),
                        rs.getString("client_address")),
                    rs.getTimestamp("started").toInstant(),
                    Optional.ofNullable(rs.getTimestamp("finished"))
                        .map(Timestamp::toInstant)
                        .orElse(null),
                    rs.getLong("rewrapped"),
                    rs.getString("last_error")))
        .optional();
  }

  /** Counts, per kind of data, what is not yet wrapped under the rotation's new key. */
  public Map<String, Long> pending(Rotation rotation) throws IOException {
    Map<String, Long> pending = new LinkedHashMap<>();
    for (MasterKeyRewrapper rewrapper : rewrappers) {
      pending.put(rewrapper.name(), rewrapper.countPending(rotation.newKeyId()));
    }
    return pending;
  }

  public boolean isRunning() {
    return running;
  }

  /** Resumes a rotation that a stopped process left unfinished. */
  @EventListener(ApplicationReadyEvent.class)
  public synchronized void resumeAfterStart() {
    if (masterKey.rotationInProgress()) {
      log.info("Resuming the master key rotation to key {}", masterKey.primaryKeyId());
      submit(unfinishedRotation());
    }
  }

  /** Stops the job between two batches when the application shuts down. */
  @jakarta.annotation.PreDestroy
  void stop() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(30, TimeUnit.SECONDS);
  }

  /**
   * Returns the stored rotation to the current new key, or records one when the database has none,
   * for example after a restore of a backup taken before the rotation began.
   */
  private Rotation unfinishedRotation() {
    Optional<Rotation> latest = latest();
    if (latest.isPresent()
        && latest.get().newKeyId().equals(masterKey.primaryKeyId())
        && !"finished".equals(latest.get().state())) {
      return latest.get();
    }
    List<String> ids = masterKey.keyIds();
    jdbc.sql(
            """
            INSERT INTO master_key_rotation (old_key_id, new_key_id, state, actor, request_id,
                                             started)
            VALUES (:old, :new, 'running', 'system', 'master-key-rotation-resume', :started)
            """)
        .param("old", ids.get(1))
        .param("new", ids.get(0))
        .param("started", Timestamp.from(clock.instant()))
        .update();
    return latest().orElseThrow();
  }

  private void submit(Rotation rotation) {
    running = true;
    setState(rotation.id(), "running", null);
    worker.execute(() -> run(rotation));
  }

  private void run(Rotation rotation) {
    String keyId = rotation.newKeyId();
    try {
      rewrapAll(rotation);
      synchronized (this) {
        masterKey.finishRotation();
        jdbc.sql(
                "UPDATE master_key_rotation SET state = 'finished', finished = :now,"
                    + " last_error = NULL WHERE id = :id")
            .param("now", Timestamp.from(clock.instant()))
            .param("id", rotation.id())
            .update();
        audit.record(
            rotation.actor(),
            new Change(null, null, FINISHED, "masterKeyId", rotation.oldKeyId(), keyId));
      }
      log.info("Master key rotation to key {} finished", keyId);
    } catch (IOException | RuntimeException e) {
      log.error(
          "Master key rotation to key {} failed; resume it with POST"
              + " /operator/v1/master-key/rotation/resume or by restarting",
          keyId,
          e);
      setState(rotation.id(), "failed", e.toString());
    } finally {
      running = false;
    }
  }

  /**
   * Re-wraps every kind of data until a full pass finds nothing pending, which also covers rows
   * that the application wrote under the old key while an earlier pass ran.
   */
  private void rewrapAll(Rotation rotation) throws IOException {
    String keyId = rotation.newKeyId();
    boolean pending = true;
    for (int pass = 1; pending; pass++) {
      if (pass > MAX_PASSES) {
        throw new IllegalStateException(
            "data is still pending after " + MAX_PASSES + " passes; see the log for which kind");
      }
      for (MasterKeyRewrapper rewrapper : rewrappers) {
        int done;
        do {
          if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("the application is shutting down");
          }
          done = rewrapper.rewrapBatch(keyId, batchSize);
          addRewrapped(rotation.id(), done);
        } while (done > 0);
      }
      pending = false;
      for (MasterKeyRewrapper rewrapper : rewrappers) {
        long left = rewrapper.countPending(keyId);
        if (left > 0) {
          log.info(
              "Master key rotation: {} {} still pending, another pass", left, rewrapper.name());
          pending = true;
        }
      }
      if (pending) {
        pause();
      }
    }
  }

  /** Waits a second between passes, so rows that changed concurrently can settle. */
  private static void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the application is shutting down", e);
    }
  }

  private void addRewrapped(long id, int count) {
    if (count > 0) {
      jdbc.sql("UPDATE master_key_rotation SET rewrapped = rewrapped + :n WHERE id = :id")
          .param("n", count)
          .param("id", id)
          .update();
    }
  }

  private void setState(long id, String state, String error) {
    jdbc.sql("UPDATE master_key_rotation SET state = :state, last_error = :error WHERE id = :id")
        .param("state", state)
        .param("error", error == null ? null : error.substring(0, Math.min(1024, error.length())))
        .param("id", id)
        .update();
  }
}
