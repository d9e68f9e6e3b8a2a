package io.lifeboat.sync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lifeboat in a JVM of its own, started from the test class path, so that a test can kill it with
 * SIGKILL and start it again on the same data folder. Both listeners use free loopback ports.
 */
final class ChildLifeboat implements AutoCloseable {

  private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port (\\d+)");
  private static final Pattern SFTP_PORT =
      Pattern.compile("SFTP server listening on \\S+ port (\\d+)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  ChildLifeboat(Path dataDir, String operatorPassword) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.lifeboat.LifeboatApplication");
    command.add("--lifeboat.data-dir=" + dataDir);
    command.add("--server.address=127.0.0.1");
    command.add("--server.port=0");
    command.add("--lifeboat.sftp.host=127.0.0.1");
    command.add("--lifeboat.sftp.port=0");
    command.add("--lifeboat.sync.pickup-delay=100ms");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LIFEBOAT_OPERATOR_PASSWORD", operatorPassword);
    process = builder.start();
    Thread reader = new Thread(this::readOutput, "child-lifeboat-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.add(line);
      }
    } catch (IOException e) {
      output.add("output closed: " + e.getMessage());
    }
  }

  /** Waits for a log line; fails with the log's tail when the process ends or time runs out. */
  String awaitLine(Predicate<String> expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (System.nanoTime() < deadline) {
      for (; checked < output.size(); checked++) {
        if (expected.test(output.get(checked))) {
          return output.get(checked);
        }
      }
      if (!process.isAlive() && checked >= output.size()) {
        break;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("log line not seen; last lines:\n" + tail(40));
  }

  boolean logged(Predicate<String> expected) {
    return output.stream().anyMatch(expected);
  }

  int httpPort() throws InterruptedException {
    return port(HTTP_PORT);
  }

  int sftpPort() throws InterruptedException {
    return port(SFTP_PORT);
  }

  private int port(Pattern pattern) throws InterruptedException {
    Matcher matcher =
        pattern.matcher(awaitLine(l -> pattern.matcher(l).find(), Duration.ofMinutes(2)));
    matcher.find();
    return Integer.parseInt(matcher.group(1));
  }

  /** Kills the process with SIGKILL, as a power cut or the OOM killer would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String tail(int lines) {
    List<String> all = List.copyOf(output);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
