package io.lifeboat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kills the service with SIGKILL in the middle of a sync and starts it again: the directory must
 * then be exactly as before or exactly as after the file, and the interrupted SFTP file must be
 * applied after the restart.
 */
class SyncRestartTest {

  private static final String OPERATOR = "Operator-Test-Pass1";
  private static final String SFTP_PASSWORD = "SftpTestPass1!";
  private static final int USERS = 30_000;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = JsonMapper.builder().build();

  @Test
  void killDuringSyncLeavesDirectoryBeforeOrAfter(@TempDir Path dataDir) throws Exception {
    String sftpCustomer = "71111";
    String apiCustomer = "72222";
    String apiCredential;
    String hostKey;

    try (ChildLifeboat first = new ChildLifeboat(dataDir, OPERATOR)) {
      int httpPort = first.httpPort();
      int sftpPort = first.sftpPort();
      hostKey =
          fingerprint(
              first.awaitLine(
                  l -> l.contains("SFTP host key generated into"), Duration.ofSeconds(10)));
      createCustomer(httpPort, sftpCustomer);
      createCustomer(httpPort, apiCustomer);
      operator(
          httpPort,
          "PUT",
          "/operator/v1/customers/" + sftpCustomer + "/sftp",
          "{\"password\":\"" + SFTP_PASSWORD + "\"}");
      Map<String, Object> credential =
          operator(
              httpPort, "POST", "/operator/v1/customers/" + apiCustomer + "/credentials", null);
      apiCredential = credential.get("username") + ":" + credential.get("password");

      uploadOverSftp(sftpPort, sftpCustomer, csv(sftpCustomer));
      first.awaitLine(
          l -> l.contains("Sync started customer=" + sftpCustomer), Duration.ofMinutes(1));
      CompletableFuture<HttpResponse<String>> apiUpload =
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + httpPort
                              + "/email/continuity/v2/"
                              + apiCustomer
                              + "/sync"))
                  .header("Authorization", basic(apiCredential))
                  .header("Content-Type", "text/csv")
                  .POST(BodyPublishers.ofString(csv(apiCustomer)))
                  .build(),
              BodyHandlers.ofString());
      first.awaitLine(
          l -> l.contains("Sync started customer=" + apiCustomer), Duration.ofMinutes(1));
      Thread.sleep(300);

      boolean finishedBeforeKill =
          first.logged(l -> l.contains("Sync finished customer=" + sftpCustomer));
      first.kill();
      assertThat(apiUpload).failsWithin(Duration.ofSeconds(10));
      assertThat(finishedBeforeKill)
          .as("the file must still be syncing at the kill; make it larger if this fails")
          .isFalse();
    }

    // Before any restart, the database contains all of the file or none of it.
    long afterKill = countUsers(dataDir, sftpCustomer);
    assertThat(afterKill).as("users right after the kill").isIn(0L, (long) USERS);
    assertThat(countUsers(dataDir, apiCustomer)).isIn(0L, (long) USERS);

    try (ChildLifeboat second = new ChildLifeboat(dataDir, OPERATOR)) {
      second.httpPort();
      String reloaded =
          second.awaitLine(l -> l.contains("SFTP host key loaded from"), Duration.ofMinutes(1));
      assertThat(fingerprint(reloaded)).as("host key after restart").isEqualTo(hostKey);
      second.awaitLine(
          l -> l.contains("Sync finished customer=" + sftpCustomer), Duration.ofMinutes(2));
    }

    assertThat(countUsers(dataDir, sftpCustomer)).isEqualTo(USERS);
    Map<String, Object> sftpRun = latestRun(dataDir, sftpCustomer);
    assertThat(sftpRun.get("outcome")).isEqualTo("applied");
    assertThat(sftpRun.get("created")).isEqualTo(afterKill == 0 ? USERS : 0);
    assertThat(sftpRun.get("source")).isEqualTo("sftp");
    // The API client lost its connection, so its run is finished as failed, unless it committed
    // before the kill. H2 may also have lost the row of a run queued just before the kill.
    long apiUsers = countUsers(dataDir, apiCustomer);
    Map<String, Object> apiRun = latestRun(dataDir, apiCustomer);
    if (apiUsers == USERS) {
      assertThat(apiRun.get("outcome")).isEqualTo("applied");
    } else if (!apiRun.isEmpty()) {
      assertThat(apiRun.get("outcome")).as("interrupted API upload").isEqualTo("failed");
    }
  }

  /** Returns the SHA256 fingerprint at the end of a host key log line. */
  private static String fingerprint(String line) {
    return line.substring(line.lastIndexOf("SHA256:"));
  }

  private static String csv(String customer) {
    StringBuilder csv = new StringBuilder(USERS * 90);
    csv.append(SyncTestSupport.HEADER).append('\n');
    for (int i = 0; i < USERS; i++) {
      csv.append("user")
          .append(i)
          .append("@c")
          .append(customer)
          .append(".example.com;User ")
          .append(i)
          .append(";Given;Sur;en_GB;Europe/London;Dept;;;;emea\n");
    }
    return csv.toString();
  }

  private void createCustomer(int httpPort, String id) throws Exception {
    operator(
        httpPort,
        "PUT",
        "/operator/v1/customers/" + id,
        "{\"name\":\"C\",\"domains\":[{\"domain\":\"c"
            + id
            + ".example.com\","
            + "\"primaryHost\":\"mail.example.com\"}]}");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> operator(int httpPort, String method, String path, String body)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Authorization", basic("operator:" + OPERATOR))
                .header("Content-Type", "application/json")
                .method(
                    method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
                .build(),
            BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("%s %s: %s", method, path, response.body())
        .isLessThan(300);
    return json.readValue(response.body(), Map.class);
  }

  private static Map<String, Object> latestRun(Path dataDir, String customer) throws SQLException {
    try (Connection db = open(dataDir);
        PreparedStatement latest =
            db.prepareStatement(
                "SELECT outcome, created_count, source FROM sync_run WHERE customer_id = ?"
                    + " ORDER BY received DESC LIMIT 1")) {
      latest.setString(1, customer);
      try (ResultSet rs = latest.executeQuery()) {
        if (!rs.next()) {
          return Map.of();
        }
        return Map.of(
            "outcome", rs.getString(1), "created", rs.getInt(2), "source", rs.getString(3));
      }
    }
  }

  private static void uploadOverSftp(int port, String customer, String content) throws IOException {
    try (SshClient client = SshClient.setUpDefaultClient()) {
      client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
      client.start();
      try (ClientSession session =
          client.connect(customer, "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession()) {
        session.addPasswordIdentity(SFTP_PASSWORD);
        session.auth().verify(Duration.ofSeconds(20));
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            OutputStream out = sftp.write("/upload/all.csv")) {
          out.write(content.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static Connection open(Path dataDir) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:h2:file:"
            + dataDir.resolve("db/lifeboat")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
        "lifeboat",
        "");
  }

  private static long countUsers(Path dataDir, String customer) throws SQLException {
    try (Connection db = open(dataDir);
        PreparedStatement count =
            db.prepareStatement("SELECT COUNT(*) FROM mail_user WHERE customer_id = ?")) {
      count.setString(1, customer);
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String basic(String credential) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
  }
}
