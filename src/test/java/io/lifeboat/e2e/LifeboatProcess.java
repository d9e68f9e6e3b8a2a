package io.lifeboat.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged Lifeboat jar as a child process ({@code java -jar}), bound to 127.0.0.1 on ports
 * chosen before the start, so that a test can stop it and start it again on the same ports, data
 * folder and database. The child's output is kept in memory and copied to {@code lifeboat.log} in
 * the data folder.
 */
public final class LifeboatProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Path jar;
  private final Path dataDir;
  private final Map<String, String> settings;
  private final Map<String, String> environment;
  private final String operatorPassword;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final int httpPort;
  public final int smtpPort;
  public final int sftpPort;

  private Process process;
  private List<String> output = new CopyOnWriteArrayList<>();
  private Thread reader;
  private int starts;

  /**
   * Prepares a child on free loopback ports. {@code settings} are Spring properties passed as
   * {@code --key=value} arguments after the ones this class sets, so they can override them; {@code
   * environment} is added to the child's environment, for secrets.
   */
  public LifeboatProcess(
      Path jar,
      Path dataDir,
      String operatorPassword,
      Map<String, String> settings,
      Map<String, String> environment) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "Lifeboat jar not found at " + jar + "; run the tests with mvn verify, after package");
    }
    this.jar = jar;
    this.dataDir = dataDir;
    this.operatorPassword = operatorPassword;
    this.settings = Map.copyOf(settings);
    this.environment = Map.copyOf(environment);
    this.httpPort = freePort();
    this.smtpPort = freePort();
    this.sftpPort = freePort();
  }

  /** Returns a port that was free on 127.0.0.1 a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /**
   * Starts the jar and waits for the log line {@code Started LifeboatApplication}, which comes
   * after the SMTP and SFTP listeners are bound, and for {@code /actuator/health} to report UP.
   */
  public void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("Lifeboat is already running, pid " + process.pid());
    }
    starts++;
    output = new CopyOnWriteArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
    // Extra JVM options for the child, for example to debug it: -Dlifeboat.e2e.jvm-options="...".
    String extra = System.getProperty("lifeboat.e2e.jvm-options", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString()));
    for (Map.Entry<String, String> setting : arguments().entrySet()) {
      command.add("--" + setting.getKey() + "=" + setting.getValue());
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().put("LIFEBOAT_OPERATOR_PASSWORD", operatorPassword);
    process = builder.start();
    List<String> lines = output;
    Path log = dataDir.resolve("lifeboat-" + starts + ".log");
    reader = new Thread(() -> copyOutput(process, lines, log), "lifeboat-output-" + starts);
    reader.setDaemon(true);
    reader.start();
    awaitHealthy();
  }

  private Map<String, String> arguments() {
    Map<String, String> arguments = new LinkedHashMap<>();
    arguments.put("lifeboat.data-dir", dataDir.toString());
    arguments.put("server.address", "127.0.0.1");
    arguments.put("server.port", Integer.toString(httpPort));
    arguments.put("lifeboat.public-base-url", baseUrl());
    arguments.put("lifeboat.smtp.bind-address", "127.0.0.1");
    arguments.put("lifeboat.smtp.port", Integer.toString(smtpPort));
    arguments.put("lifeboat.smtp.hostname", "lifeboat.test");
    arguments.put("lifeboat.sftp.host", "127.0.0.1");
    arguments.put("lifeboat.sftp.port", Integer.toString(sftpPort));
    // A fixed node id, so that a restarted child takes back the deliveries it had claimed.
    arguments.put("lifeboat.delivery.node-id", "e2e-node");
    arguments.putAll(settings);
    return arguments;
  }

  private static void copyOutput(Process process, List<String> lines, Path log) {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        file.write(line);
        file.newLine();
        file.flush();
      }
    } catch (IOException e) {
      lines.add("output closed: " + e.getMessage());
    }
  }

  private void awaitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
            .timeout(Duration.ofSeconds(5))
            .build();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "Lifeboat exited with code " + process.exitValue() + " during start:\n" + tail(60));
      }
      if (output.stream().noneMatch(line -> line.contains("Started LifeboatApplication"))) {
        TimeUnit.MILLISECONDS.sleep(250);
        continue;
      }
      try {
        HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError(
        "Lifeboat not healthy after "
            + START_TIMEOUT
            + " (last: "
            + last
            + "); threads of the child, virtual ones included, in "
            + dumpThreads()
            + ":\n"
            + tail(60));
  }

  /** Writes the child's threads to a file of the data folder with jcmd and returns its path. */
  private Path dumpThreads() throws InterruptedException {
    Path dump = dataDir.resolve("threads-" + starts + ".txt");
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process tool =
          new ProcessBuilder(
                  jcmd,
                  Long.toString(process.pid()),
                  "Thread.dump_to_file",
                  "-format=text",
                  dump.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      tool.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      return Path.of("(none: jcmd failed: " + e.getMessage() + ")");
    }
    return dump;
  }

  /**
   * Stops the child with SIGTERM, as a service manager would, waits for it to exit and returns its
   * exit code. It signals through the {@link ProcessHandle}, because {@link Process#destroy()} also
   * closes the pipe of the child's output, which would lose the shutdown's log lines.
   */
  public int stop() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("Lifeboat did not stop within 60 s of SIGTERM:\n" + tail(40));
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Waits for a line of the current run's output, and fails with the output's tail without it. */
  public String awaitLine(Predicate<String> expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    List<String> lines = output;
    while (System.nanoTime() < deadline) {
      for (; checked < lines.size(); checked++) {
        if (expected.test(lines.get(checked))) {
          return lines.get(checked);
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("expected log line not seen; last lines:\n" + tail(40));
  }

  /** Returns the current run's output lines. */
  public List<String> output() {
    return List.copyOf(output);
  }

  public String tail(int count) {
    List<String> all = List.copyOf(output);
    return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (isRunning()) {
      process.toHandle().destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
