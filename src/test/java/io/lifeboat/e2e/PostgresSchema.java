package io.lifeboat.e2e;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh schema in the PostgreSQL database named by {@code LIFEBOAT_TEST_POSTGRES_URL}, {@code
 * _USER} and {@code _PASSWORD}, so that a child process does not share tables with the contract
 * tests that use the same database. {@link #close()} drops it.
 */
public final class PostgresSchema implements AutoCloseable {

  private static final String URL = "LIFEBOAT_TEST_POSTGRES_URL";
  private static final String USER = "LIFEBOAT_TEST_POSTGRES_USER";
  private static final String PASSWORD = "LIFEBOAT_TEST_POSTGRES_PASSWORD";

  private final String url;
  private final String user;
  private final String password;
  private final String name;

  private PostgresSchema(String url, String user, String password, String name) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.name = name;
  }

  /**
   * Creates a schema named {@code prefix_<random>}, or skips the caller when a variable is unset.
   */
  public static PostgresSchema create(String prefix) throws SQLException {
    String url = System.getenv(URL);
    String user = System.getenv(USER);
    String password = System.getenv(PASSWORD);
    Assumptions.assumeTrue(
        url != null && !url.isBlank() && user != null && !user.isBlank(),
        "skipped: this test runs Lifeboat on PostgreSQL; set "
            + URL
            + " (for example jdbc:postgresql://127.0.0.1:5432/lifeboat_test), "
            + USER
            + " and "
            + PASSWORD
            + ", as .ci/run does");
    String name = prefix + "_" + randomSuffix();
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + name);
    }
    return new PostgresSchema(url, user, password == null ? "" : password, name);
  }

  private static String randomSuffix() {
    SecureRandom random = new SecureRandom();
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      suffix.append((char) ('a' + random.nextInt(26)));
    }
    return suffix.toString();
  }

  public String name() {
    return name;
  }

  /** Returns the Spring datasource properties that point Lifeboat at this schema. */
  public Map<String, String> datasourceSettings() {
    String separator = url.contains("?") ? "&" : "?";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spring.datasource.url", url + separator + "currentSchema=" + name);
    settings.put("spring.datasource.username", user);
    settings.put("spring.datasource.hikari.minimum-idle", "2");
    return settings;
  }

  /** Returns the password as an environment variable, so that it stays off the command line. */
  public Map<String, String> environment() {
    return Map.of("SPRING_DATASOURCE_PASSWORD", password);
  }

  /** Opens a connection whose search path is this schema, for checks the APIs cannot make. */
  public Connection connect() throws SQLException {
    Connection connection = DriverManager.getConnection(url, user, password);
    connection.setSchema(name);
    return connection;
  }

  @Override
  public void close() {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = '10s'");
      statement.execute("DROP SCHEMA " + name + " CASCADE");
    } catch (SQLException e) {
      System.err.println("Could not drop test schema " + name + ": " + e.getMessage());
    }
  }
}
