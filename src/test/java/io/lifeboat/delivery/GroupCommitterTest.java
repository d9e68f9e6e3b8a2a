package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.crypto.MasterKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The group commit of queue rows on an H2 database and a spool folder of its own. */
class GroupCommitterTest {

  @TempDir Path folder;

  private JdbcTemplate jdbc;
  private GroupCommitter committer;

  @BeforeEach
  void start() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:group-commit-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    jdbc = new JdbcTemplate(dataSource);
    jdbc.execute("CREATE TABLE committed (token INT PRIMARY KEY)");
    LifeboatProperties properties = new LifeboatProperties(folder, null, false, null, null, null);
    Spool spool = new Spool(properties, new MasterKey(properties));
    committer =
        new GroupCommitter(
            spool, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
  }

  @AfterEach
  void stop() {
    committer.destroy();
  }

  @Test
  void concurrentCallersAllCommitted() throws Exception {
    List<CompletableFuture<Void>> callers = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      int token = i;
      callers.add(CompletableFuture.runAsync(() -> commitOrFail(token)));
    }
    CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM committed", Long.class)).isEqualTo(64);
  }

  @Test
  void failingInsertFailsOnlyItsCaller() throws Exception {
    commitOrFail(1);

    // The second token repeats the first one's key, so its insert fails.
    assertThatThrownBy(() -> committer.commit(() -> insert(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("queue commit failed");
    commitOrFail(2);

    assertThat(jdbc.queryForList("SELECT token FROM committed ORDER BY token", Integer.class))
        .containsExactly(1, 2);
  }

  @Test
  void interruptedCallerWaitsForCommit() throws Exception {
    CountDownLatch inserting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    committer.commit(
                        () -> {
                          inserting.countDown();
                          awaitQuietly(release);
                          insert(7);
                        });
                    interruptKept.set(Thread.currentThread().isInterrupted());
                  } catch (IOException | RuntimeException e) {
                    failure.set(e);
                  }
                });
    assertThat(inserting.await(10, TimeUnit.SECONDS)).as("insert started").isTrue();

    caller.interrupt();
    caller.join(Duration.ofMillis(300));
    assertThat(caller.isAlive())
        .as("caller still waits for the commit after the interrupt")
        .isTrue();
    release.countDown();
    caller.join(Duration.ofSeconds(10));

    assertThat(caller.isAlive()).as("caller returned after the commit").isFalse();
    assertThat(failure.get()).as("failure reported to the caller").isNull();
    assertThat(interruptKept.get()).as("interrupt kept for the caller").isTrue();
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM committed", Long.class)).isEqualTo(1);
  }

  @Test
  void commitAfterShutdownRejected() throws Exception {
    committer.destroy();

    CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> commitOrFail(3));

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .hasStackTraceContaining("shutting down");
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM committed", Long.class)).isZero();
  }

  private void commitOrFail(int token) {
    try {
      committer.commit(() -> insert(token));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void insert(int token) {
    jdbc.update("INSERT INTO committed (token) VALUES (?)", token);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
