package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.e2e.PostgresSchema;
import io.lifeboat.testing.CrashChild;
import io.lifeboat.testing.SmtpWire;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service with SIGKILL while clients send mail and it delivers into the encrypted
 * mailstore, starts it again on the same data folder, and reads the Inbox back through the
 * restarted service's mailstore: every message that got {@code 250} is stored exactly once by its
 * Message-ID, and every stored message decrypts and is complete. It runs on H2 and, when {@code
 * LIFEBOAT_TEST_POSTGRES_URL} is set, on PostgreSQL.
 */
class CrashRecoveryTest {

  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");
  private static final Pattern MESSAGE_ID = Pattern.compile("<?crash-(\\d+)@crash\\.test>?");
  private static final int CLIENTS = 8;
  private static final Duration LOAD = Duration.ofSeconds(4);

  // A failed run keeps the folder, with both children's logs, for a look at what happened.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path folder;

  /**
   * The child's report: queue depth, the Inbox's cached count, its rows counted in the database and
   * those with search terms, and per stored message its token and content check.
   */
  private record Report(
      long depth,
      long total,
      long rows,
      long indexed,
      Map<Integer, Integer> counts,
      List<String> damaged) {}

  @Test
  void acknowledgedMailSurvivesSigkillOnH2() throws Exception {
    survivesSigkill(Map.of(), Map.of());
  }

  @Test
  void acknowledgedMailSurvivesSigkillOnPostgresql() throws Exception {
    try (PostgresSchema schema = PostgresSchema.create("crash")) {
      survivesSigkill(schema.datasourceSettings(), schema.environment());
    }
  }

  /**
   * Runs the crash and the check with the children's extra {@code settings} and {@code
   * environment}, for example a PostgreSQL datasource.
   */
  private void survivesSigkill(Map<String, String> settings, Map<String, String> environment)
      throws Exception {
    Path data = folder.resolve("data");
    int smtpPort = freePort();
    int httpPort = freePort();

    Child child = new Child(data, smtpPort, httpPort, settings, environment);
    Process first = startChild(child, folder.resolve("first.log"));
    Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    try {
      sendUntilKilled(first, smtpPort, acknowledged, unexpected);
    } finally {
      first.destroyForcibly();
      first.waitFor();
    }
    assertThat(acknowledged).as("messages acknowledged before the kill").isNotEmpty();

    Process second = startChild(child, folder.resolve("second.log"));
    try {
      Instant deadline = Instant.now().plusSeconds(40);
      Report report = report();
      while ((report.depth() > 0
              || report.indexed() < report.rows()
              || !report.counts().keySet().containsAll(acknowledged.keySet()))
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(500);
        report = report();
      }

      System.out.printf(
          "Crash test: %d messages acknowledged, %d listed, %d rows, %d indexed, cached count %d,"
              + " queue depth %d, unexpected replies %s%n",
          acknowledged.size(),
          report.counts().size(),
          report.rows(),
          report.indexed(),
          report.total(),
          report.depth(),
          unexpected);
      List<Integer> missing = new ArrayList<>(acknowledged.keySet());
      missing.removeAll(report.counts().keySet());
      List<Integer> duplicates =
          report.counts().entrySet().stream()
              .filter(e -> e.getValue() > 1)
              .map(Map.Entry::getKey)
              .toList();
      // The other findings go into the first assertion's description, so that one failing run
      // tells a lost message from a misread Inbox page.
      assertThat(missing)
          .as(
              "acknowledged messages not in the Inbox after the restart (stored more than once: %s,"
                  + " damaged: %s, rows: %d, cached count: %d, unexpected replies: %s)%n%s",
              duplicates,
              report.damaged(),
              report.rows(),
              report.total(),
              unexpected,
              history(missing, acknowledged))
          .isEmpty();
      assertThat(report.total()).as("the Inbox's cached count").isEqualTo(report.rows());
      assertThat(report.indexed()).as("Inbox messages with search terms").isEqualTo(report.rows());
      assertThat(duplicates).as("messages stored more than once").isEmpty();
      assertThat(report.damaged())
          .as("stored messages that are incomplete or unreadable")
          .isEmpty();
      assertThat(report.depth()).as("queue depth after the restart").isZero();
    } finally {
      second.destroyForcibly();
      second.waitFor();
    }
  }

  /**
   * Sends from several clients, then kills the child while they are still sending. Acknowledged
   * tokens are mapped to the queue id in their {@code 250} reply.
   */
  private void sendUntilKilled(
      Process child, int port, Map<Integer, String> acknowledged, List<String> unexpected)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(
          Thread.ofVirtual().start(() -> sendLoop(port, next, stop, acknowledged, unexpected)));
    }
    Thread.sleep(LOAD.toMillis());
    child.destroyForcibly();
    stop.set(true);
    for (Thread client : clients) {
      client.join(Duration.ofSeconds(15));
    }
  }

  /**
   * Sends messages over one connection at a time. Any reply other than the expected one ends the
   * connection, so that a later reply is never read as the reply to the wrong command.
   */
  private static void sendLoop(
      int port,
      AtomicInteger next,
      AtomicBoolean stop,
      Map<Integer, String> acknowledged,
      List<String> unexpected) {
    while (!stop.get()) {
      try (SmtpWire wire = new SmtpWire(port)) {
        wire.hello();
        while (!stop.get()) {
          int token = next.incrementAndGet();
          String mail = wire.command("MAIL FROM:<load@outside.test>");
          String rcpt = wire.command("RCPT TO:<" + CrashChild.USER + ">");
          String data = wire.command("DATA");
          if (mail == null || rcpt == null || data == null) {
            break;
          }
          if (!mail.startsWith("250 ") || !rcpt.startsWith("250 ") || !data.startsWith("354")) {
            unexpected.add(token + ": " + mail + " / " + rcpt + " / " + data);
            break;
          }
          String reply =
              wire.command(
                  "Message-ID: <crash-"
                      + token
                      + "@crash.test>\r\nSubject: crash-"
                      + token
                      + "\r\n\r\n"
                      + "line of the message body\r\n".repeat(300)
                      + "END crash-"
                      + token
                      + "\r\n.");
          Matcher queued = QUEUED.matcher(reply == null ? "" : reply);
          if (!queued.matches()) {
            if (reply != null) {
              unexpected.add(token + ": " + reply);
            }
            break;
          }
          acknowledged.put(token, queued.group(1));
        }
      } catch (IOException e) {
        // The child was killed or is not up yet, so connect again until the test stops the loop.
      }
    }
  }

  /** Returns the children's log lines that name the queue ids of the missing tokens. */
  private String history(List<Integer> missing, Map<Integer, String> acknowledged)
      throws IOException {
    StringBuilder history = new StringBuilder();
    for (String log : List.of("first.log", "second.log")) {
      List<String> lines = Files.readAllLines(folder.resolve(log));
      for (int token : missing) {
        String queueId = acknowledged.get(token);
        history.append(log).append(", token ").append(token).append(", queue ").append(queueId);
        history.append('\n');
        for (String line : lines) {
          if (line.contains(queueId)) {
            history.append("  ").append(line).append('\n');
          }
        }
      }
    }
    return history.toString();
  }

  /** Asks the running child for a report of the Inbox and parses it. */
  private Report report() throws IOException, InterruptedException {
    Path request = folder.resolve("report-request");
    Path report = folder.resolve("report");
    Files.deleteIfExists(report);
    Files.createFile(request);
    Instant deadline = Instant.now().plusSeconds(30);
    while (!Files.exists(report)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the child wrote no Inbox report within 30 seconds");
      }
      Thread.sleep(50);
    }
    List<String> lines = Files.readAllLines(report);
    long depth = Long.parseLong(lines.get(0).substring("depth ".length()));
    long total = Long.parseLong(lines.get(1).substring("total ".length()));
    long rows = Long.parseLong(lines.get(2).substring("rows ".length()));
    long indexed = Long.parseLong(lines.get(3).substring("indexed ".length()));
    Map<Integer, Integer> counts = new HashMap<>();
    List<String> damaged = new ArrayList<>();
    for (String line : lines.subList(4, lines.size())) {
      String[] fields = line.split(" ");
      Matcher m = MESSAGE_ID.matcher(fields[1]);
      assertThat(m.matches()).as("Message-ID in report line: " + line).isTrue();
      counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
      if (!fields[2].equals("complete")) {
        damaged.add(line);
      }
    }
    return new Report(depth, total, rows, indexed, counts, damaged);
  }

  /** What both children share: data folder, ports, and extra settings and environment. */
  private record Child(
      Path data,
      int smtpPort,
      int httpPort,
      Map<String, String> settings,
      Map<String, String> environment) {}

  private Process startChild(Child child, Path log) throws IOException, InterruptedException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx512m",
                // Quick start for a short-lived child; the JIT level does not affect durability.
                "-XX:TieredStopAtLevel=1",
                "-Dcrash.report-request=" + folder.resolve("report-request"),
                "-Dcrash.report=" + folder.resolve("report"),
                "-cp",
                classpath,
                CrashChild.class.getName(),
                "--lifeboat.data-dir=" + child.data(),
                "--server.port=" + child.httpPort(),
                "--lifeboat.smtp.port=" + child.smtpPort(),
                "--lifeboat.smtp.hostname=mx.crash.test",
                "--lifeboat.delivery.poll-interval=PT0.2S",
                "--lifeboat.delivery.node-id=crash-node",
                "--LIFEBOAT_OPERATOR_PASSWORD=crash-operator",
                "--spring.main.banner-mode=off"));
    child.settings().forEach((key, value) -> command.add("--" + key + "=" + value));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(child.environment());
    Process process = builder.start();
    // Generous, because a loaded 2-core machine can take a minute to start the application.
    Instant deadline = Instant.now().plusSeconds(180);
    while (!Files.exists(log) || !Files.readString(log).contains("CRASH-CHILD-READY")) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        process.destroyForcibly();
        throw new AssertionError("the child did not start; its log:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
