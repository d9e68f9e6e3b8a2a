package io.lifeboat.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The backup and restore procedure of {@code docs/operations.md}, step by step: dump the database,
 * copy the blob and spool folders and the master key, start a fresh Lifeboat on a new data folder
 * from them and read every mailbox through the real mailstore.
 */
class BackupRestoreTest {

  private static final int USERS = 4;
  private static final int MESSAGES_PER_USER = 3;
  private static final String H2_OPTIONS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

  private final Path root =
      Path.of("target", "ops-test-data", UUID.randomUUID().toString()).toAbsolutePath();
  private final Path original = root.resolve("original");
  private final Path backup = root.resolve("backup");
  private final Path restored = root.resolve("restored");

  @Test
  void h2BackupRestoresIntoFreshDataFolder() throws Exception {
    MailSample sample;
    try (Instance running = Instance.start(original, Map.of())) {
      sample = MailSample.create(running, USERS, MESSAGES_PER_USER);

      // 1. The database first, online: SCRIPT writes a consistent SQL dump.
      Files.createDirectories(backup);
      Path dump = backup.resolve("lifeboat.sql.gz");
      running
          .bean(JdbcClient.class)
          .sql("SCRIPT TO '" + dump + "' COMPRESSION GZIP")
          .query()
          .listOfRows();
      // 2. Then blobs, spool and the master key: blobs written after the dump are unused extras.
      copyFiles(original, backup);
    }

    restoreFiles(backup, restored);
    String url = "jdbc:h2:file:" + restored.resolve("db/lifeboat") + H2_OPTIONS;
    try (Connection connection = DriverManager.getConnection(url, "lifeboat", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "RUNSCRIPT FROM '" + backup.resolve("lifeboat.sql.gz") + "' COMPRESSION GZIP");
    }

    try (Instance fresh = Instance.start(restored, Map.of())) {
      sample.assertReadable(fresh);
    }
  }

  @Test
  void postgresBackupRestoresWithPgDump() throws Exception {
    String url = System.getenv("LIFEBOAT_TEST_POSTGRES_URL");
    String user = System.getenv("LIFEBOAT_TEST_POSTGRES_USER");
    String password = System.getenv("LIFEBOAT_TEST_POSTGRES_PASSWORD");
    assumeTrue(
        url != null && user != null && password != null,
        "LIFEBOAT_TEST_POSTGRES_URL, _USER and _PASSWORD are unset: PostgreSQL backup not tested");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/pg_dump"))
            && Files.isExecutable(Path.of("/usr/bin/pg_restore")),
        "pg_dump or pg_restore is not installed: PostgreSQL backup not tested");

    String schema = "lifeboat_backup_" + ThreadLocalRandom.current().nextInt(1_000_000);
    execute(url, user, password, "CREATE SCHEMA " + schema);
    String separator = url.contains("?") ? "&" : "?";
    Map<String, String> database =
        Map.of(
            "spring.datasource.url", url + separator + "currentSchema=" + schema,
            "spring.datasource.username", user,
            "spring.datasource.password", password);
    try {
      MailSample sample;
      try (Instance running = Instance.start(original, database)) {
        sample = MailSample.create(running, USERS, MESSAGES_PER_USER);
        Files.createDirectories(backup);
        pgDump(url, user, password, schema, backup.resolve("lifeboat.dump"));
        copyFiles(original, backup);
      }

      // The database is lost: drop the schema and restore it from the dump.
      execute(url, user, password, "DROP SCHEMA " + schema + " CASCADE");
      pgRestore(url, user, password, backup.resolve("lifeboat.dump"));
      restoreFiles(backup, restored);

      try (Instance fresh = Instance.start(restored, database)) {
        sample.assertReadable(fresh);
      }
    } finally {
      execute(url, user, password, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** Copies what the database does not contain: blobs, spool and the master key. */
  private static void copyFiles(Path dataDir, Path target) throws IOException {
    copyTree(dataDir.resolve("blobs"), target.resolve("blobs"));
    copyTree(dataDir.resolve("spool"), target.resolve("spool"));
    Files.copy(dataDir.resolve("master.key"), target.resolve("master.key"));
  }

  private static void restoreFiles(Path backup, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    copyTree(backup.resolve("blobs"), dataDir.resolve("blobs"));
    copyTree(backup.resolve("spool"), dataDir.resolve("spool"));
    Files.copy(backup.resolve("master.key"), dataDir.resolve("master.key"));
    assertThat(dataDir.resolve("db")).doesNotExist();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void pgDump(String url, String user, String password, String schema, Path file)
      throws Exception {
    URI uri = URI.create(url.substring("jdbc:".length()));
    run(
        password,
        List.of(
            "pg_dump",
            "--host=" + uri.getHost(),
            "--port=" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
            "--username=" + user,
            "--schema=" + schema,
            "--format=custom",
            "--file=" + file,
            uri.getPath().substring(1)));
  }

  private static void pgRestore(String url, String user, String password, Path file)
      throws Exception {
    URI uri = URI.create(url.substring("jdbc:".length()));
    run(
        password,
        List.of(
            "pg_restore",
            "--host=" + uri.getHost(),
            "--port=" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
            "--username=" + user,
            "--dbname=" + uri.getPath().substring(1),
            "--exit-on-error",
            file.toString()));
  }

  private static void run(String password, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", password);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(command.get(0) + " finished").isTrue();
    assertThat(process.exitValue()).as(command.get(0) + " output: " + output).isZero();
  }

  private static void execute(String url, String user, String password, String sql)
      throws Exception {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
