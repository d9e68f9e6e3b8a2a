package io.lifeboat.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The databases the contract tests run on. H2 gets a fresh data folder per test class. PostgreSQL
 * is taken from {@code LIFEBOAT_TEST_POSTGRES_URL}, {@code _USER} and {@code _PASSWORD}, and each
 * test class gets a fresh schema in it, dropped when the JVM exits.
 */
final class TestBackends {

  static final String POSTGRES_URL = "LIFEBOAT_TEST_POSTGRES_URL";
  static final String POSTGRES_USER = "LIFEBOAT_TEST_POSTGRES_USER";
  static final String POSTGRES_PASSWORD = "LIFEBOAT_TEST_POSTGRES_PASSWORD";
  static final String POSTGRES_MISSING =
      "PostgreSQL variant skipped: set LIFEBOAT_TEST_POSTGRES_URL (for example"
          + " jdbc:postgresql://127.0.0.1:5432/lifeboat_test), LIFEBOAT_TEST_POSTGRES_USER and"
          + " LIFEBOAT_TEST_POSTGRES_PASSWORD, as .ci/run does";

  private TestBackends() {}

  /** Uses the default H2 file database in a fresh data folder under {@code target/}. */
  static void h2(DynamicPropertyRegistry registry, String name) {
    Path dataDir = freshDataDir("h2-" + name);
    registry.add("lifeboat.data-dir", dataDir::toString);
  }

  /** Uses a fresh schema of the PostgreSQL database named by the environment. */
  static void postgres(DynamicPropertyRegistry registry, String name) {
    Path dataDir = freshDataDir("pg-" + name);
    String schema = "lifeboat_test_" + name + "_" + LifeboatFixture.randomLowerAlphanumeric(8);
    String url = System.getenv(POSTGRES_URL);
    String user = System.getenv(POSTGRES_USER);
    String password = System.getenv(POSTGRES_PASSWORD);
    createSchema(url, user, password, schema);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> dropSchema(url, user, password, schema), "drop-schema"));
    String separator = url.contains("?") ? "&" : "?";
    registry.add("lifeboat.data-dir", dataDir::toString);
    registry.add("spring.datasource.url", () -> url + separator + "currentSchema=" + schema);
    registry.add("spring.datasource.username", () -> user);
    registry.add("spring.datasource.password", () -> password == null ? "" : password);
    registry.add("spring.datasource.hikari.minimum-idle", () -> "2");
  }

  /**
   * Configures what {@link FirstStartContract} and {@link LimitsContract} expect: demo mode, no
   * operator password, so that one is generated, and low request limits.
   */
  static void freshInstall(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.demo", () -> "true");
    registry.add("lifeboat.api.max-body-bytes", () -> LimitsContract.MAX_BODY_BYTES);
    registry.add("lifeboat.api.auth-failure-limit", () -> LimitsContract.AUTH_FAILURE_LIMIT);
    registry.add("lifeboat.api.auth-lockout", LimitsContract.AUTH_LOCKOUT::toString);
  }

  private static Path freshDataDir(String prefix) {
    try {
      Path parent = Files.createDirectories(Path.of("target", "test-data"));
      return Files.createTempDirectory(parent, prefix + "-").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data folder under target/test-data", e);
    }
  }

  private static void createSchema(String url, String user, String password, String schema) {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema + " at " + url, e);
    }
  }

  private static void dropSchema(String url, String user, String password, String schema) {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = '10s'");
      statement.execute("DROP SCHEMA " + schema + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop test schema " + schema + ": " + e.getMessage());
    }
  }
}
