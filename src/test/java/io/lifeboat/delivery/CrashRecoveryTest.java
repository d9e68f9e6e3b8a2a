package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service with SIGKILL while clients send mail and it delivers, starts it again on the
 * same data folder, and checks that every message that got {@code 250} is delivered exactly once
 * and that no message is delivered in part.
 */
class CrashRecoveryTest {

  private static final Pattern TOKEN = Pattern.compile("Subject: crash-(\\d+)");
  private static final int CLIENTS = 8;
  private static final Duration LOAD = Duration.ofSeconds(4);

  @TempDir Path folder;

  @Test
  void acknowledgedMailSurvivesSigkillOnce() throws Exception {
    Path data = folder.resolve("data");
    Path mailstore = folder.resolve("mailstore");
    int smtpPort = freePort();
    int httpPort = freePort();

    Process first = startChild(data, mailstore, smtpPort, httpPort, folder.resolve("first.log"));
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    try {
      sendUntilKilled(first, smtpPort, acknowledged);
    } finally {
      first.destroyForcibly();
      first.waitFor();
    }
    assertThat(acknowledged).as("messages acknowledged before the kill").isNotEmpty();

    Process second = startChild(data, mailstore, smtpPort, httpPort, folder.resolve("second.log"));
    try {
      Instant deadline = Instant.now().plusSeconds(40);
      Map<Integer, Integer> delivered = deliveredTokens(mailstore);
      while (!delivered.keySet().containsAll(acknowledged) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        delivered = deliveredTokens(mailstore);
      }
      Thread.sleep(1000);
      delivered = deliveredTokens(mailstore);

      List<Integer> missing = new ArrayList<>(acknowledged);
      missing.removeAll(delivered.keySet());
      assertThat(missing).as("acknowledged messages not delivered after the restart").isEmpty();
      List<Integer> duplicates =
          delivered.entrySet().stream()
              .filter(e -> e.getValue() > 1)
              .map(Map.Entry::getKey)
              .toList();
      assertThat(duplicates).as("messages delivered more than once").isEmpty();
    } finally {
      second.destroyForcibly();
      second.waitFor();
    }
  }

  /** Sends from several clients, then kills the child while they are still sending. */
  private void sendUntilKilled(Process child, int port, Set<Integer> acknowledged)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(Thread.ofVirtual().start(() -> sendLoop(port, next, stop, acknowledged)));
    }
    Thread.sleep(LOAD.toMillis());
    child.destroyForcibly();
    stop.set(true);
    for (Thread client : clients) {
      client.join(Duration.ofSeconds(15));
    }
  }

  private static void sendLoop(
      int port, AtomicInteger next, AtomicBoolean stop, Set<Integer> acknowledged) {
    while (!stop.get()) {
      try (SmtpWire wire = new SmtpWire(port)) {
        wire.hello();
        while (!stop.get()) {
          int token = next.incrementAndGet();
          wire.command("MAIL FROM:<load@outside.test>");
          wire.command("RCPT TO:<" + "crash@example.com" + ">");
          wire.command("DATA");
          String reply =
              wire.command(
                  "Subject: crash-"
                      + token
                      + "\r\n\r\n"
                      + "line of the message body\r\n".repeat(300)
                      + "END crash-"
                      + token
                      + "\r\n.");
          if (reply != null && reply.startsWith("250 ")) {
            acknowledged.add(token);
          }
        }
      } catch (IOException e) {
        // The child was killed or is not up yet, so connect again until the test stops the loop.
      }
    }
  }

  /** Returns how often each token was delivered, checking that each delivery is complete. */
  private static Map<Integer, Integer> deliveredTokens(Path mailstore) throws IOException {
    Map<Integer, Integer> counts = new HashMap<>();
    if (!Files.isDirectory(mailstore)) {
      return counts;
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> inboxes = Files.list(mailstore)) {
      for (Path inbox : inboxes.toList()) {
        try (Stream<Path> messages = Files.list(inbox)) {
          messages.filter(f -> f.toString().endsWith(".eml")).forEach(files::add);
        }
      }
    }
    for (Path file : files) {
      String message = Files.readString(file);
      Matcher m = TOKEN.matcher(message);
      assertThat(m.find()).as("subject of " + file).isTrue();
      int token = Integer.parseInt(m.group(1));
      assertThat(message)
          .as("delivered message " + token + " is complete")
          .endsWith("END crash-" + token + "\r\n");
      counts.merge(token, 1, Integer::sum);
    }
    return counts;
  }

  private static Process startChild(Path data, Path mailstore, int smtpPort, int httpPort, Path log)
      throws IOException, InterruptedException {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx512m",
                // Quick start for a short-lived child; the JIT level does not affect durability.
                "-XX:TieredStopAtLevel=1",
                "-Dcrash.mailstore=" + mailstore,
                "-cp",
                classpath,
                CrashChild.class.getName(),
                "--lifeboat.data-dir=" + data,
                "--server.port=" + httpPort,
                "--lifeboat.smtp.port=" + smtpPort,
                "--lifeboat.smtp.hostname=mx.crash.test",
                "--lifeboat.delivery.poll-interval=PT0.2S",
                "--lifeboat.delivery.node-id=crash-node",
                "--LIFEBOAT_OPERATOR_PASSWORD=crash-operator",
                "--spring.main.banner-mode=off")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
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
