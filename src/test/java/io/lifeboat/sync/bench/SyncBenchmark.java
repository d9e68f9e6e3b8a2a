package io.lifeboat.sync.bench;

import io.lifeboat.LifeboatApplication;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the directory sync of a large customer through {@code POST /{CUSTOMER}/sync}: the first
 * sync of a file of new users, an unchanged re-sync, and a re-sync with 1 % of the users changed
 * and 1 % missing. Starts Lifeboat in this JVM on an empty H2 database in a temporary folder; run
 * it with the heap limit to check, as {@code bench/sync-benchmark.sh} does. Not a test: {@code mvn
 * verify} does not run it.
 *
 * <p>Arguments: the number of users (default 100000), then {@code notifications} to give the
 * customers notifications on, so that every new user also gets a token and a queued mail.
 */
public final class SyncBenchmark {

  private static final String OPERATOR_PASSWORD = "Bench-Operator-Pass1";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = JsonMapper.builder().build();
  private final int port;
  private final boolean notifications;

  private SyncBenchmark(int port, boolean notifications) {
    this.port = port;
    this.notifications = notifications;
  }

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    boolean notifications = args.length > 1 && args[1].equals("notifications");
    Path data = Files.createTempDirectory("lifeboat-bench");
    System.out.printf(Locale.ROOT, "Data folder: %s%n", data);
    // Command-line arguments, because application.properties outranks default properties.
    ConfigurableApplicationContext app =
        new SpringApplicationBuilder(LifeboatApplication.class)
            .run(
                "--lifeboat.data-dir=" + data,
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--lifeboat.sftp.host=127.0.0.1",
                "--lifeboat.sftp.port=0",
                "--LIFEBOAT_OPERATOR_PASSWORD=" + OPERATOR_PASSWORD,
                "--logging.level.io.lifeboat.audit=WARN");
    try {
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      new SyncBenchmark(port, notifications).run(users);
    } finally {
      app.close();
    }
  }

  private void run(int users) throws Exception {
    System.out.printf(
        Locale.ROOT,
        "Machine: %d processors, max heap %d MB, %s %s, notifications %s%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        notifications ? "on" : "off");

    Login warmUp = customer("10001");
    sync(warmUp, file("10001", 2_000, 0), "warm-up, 2000 new users");

    Login login = customer("20002");
    byte[] first = file("20002", users, 0);
    System.out.printf(Locale.ROOT, "File: %d users, %.1f MB%n", users, first.length / 1e6);
    sync(login, first, "first sync, " + users + " new users");
    sync(login, first, "unchanged re-sync");
    int onePercent = users / 100;
    sync(
        login,
        file("20002", users - onePercent, onePercent),
        "re-sync, " + onePercent + " changed and " + onePercent + " missing");
  }

  /** A customer and its API credential as {@code username:password}. */
  private record Login(String customer, String credential) {}

  private void sync(Login login, byte[] file, String label) throws Exception {
    System.gc();
    resetPeakHeap();
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/email/continuity/v2/"
                            + login.customer()
                            + "/sync"))
                .header("Authorization", basic(login.credential()))
                .header("Content-Type", "text/csv")
                .timeout(Duration.ofMinutes(10))
                .POST(BodyPublishers.ofByteArray(file))
                .build(),
            BodyHandlers.ofString());
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    Map<?, ?> report = (Map<?, ?>) json.readValue(response.body(), Map.class).get("report");
    System.out.printf(
        Locale.ROOT,
        "%-40s %5.1f s (CPU %5.1f s)  status %d  created %s updated %s unchanged %s deleted %s"
            + "  peak heap used %d MB%n",
        label,
        seconds,
        cpuSeconds,
        response.statusCode(),
        report.get("created"),
        report.get("updated"),
        report.get("unchanged"),
        report.get("deleted"),
        peakHeapMegabytes());
  }

  /** Creates a customer with a 5 % deletion limit and an API credential. */
  private Login customer(String id) throws Exception {
    operator(
        "PUT",
        "/operator/v1/customers/" + id,
        "{\"name\":\"Bench "
            + id
            + "\",\"syncDeactivationLimitPercent\":5,\"notifications\":"
            + notifications
            + ","
            + "\"domains\":[{\"domain\":\"c"
            + id
            + ".example.com\",\"primaryHost\":\"mail.example.com\"}]}");
    Map<?, ?> credential =
        json.readValue(
            operator("POST", "/operator/v1/customers/" + id + "/credentials", null), Map.class);
    return new Login(id, credential.get("username") + ":" + credential.get("password"));
  }

  private String operator(String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", basic("operator:" + OPERATOR_PASSWORD))
                .header("Content-Type", "application/json")
                .method(
                    method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
                .build(),
            BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + response.body());
    }
    return response.body();
  }

  /**
   * Returns a sync file of {@code count} users with every column filled; the first {@code changed}
   * users get another department.
   */
  private static byte[] file(String customer, int count, int changed) {
    StringBuilder csv = new StringBuilder(count * 160);
    csv.append(
        "primaryEmail;displayName;givenName;surname;language;timezone;department;costcenter;"
            + "phone;mobile;failoverGroups\n");
    String[] languages = {"en_GB", "de_DE", "fr_FR", "sv_SE", "ja_JP"};
    String[] zones = {
      "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Stockholm", "Asia/Tokyo"
    };
    for (int i = 0; i < count; i++) {
      String department = i < changed ? "Moved" : "Department " + (i % 50);
      csv.append('"')
          .append("user")
          .append(i)
          .append("@c")
          .append(customer)
          .append(".example.com\";")
          .append("\"User ")
          .append(i)
          .append(" / Example Ltd\";")
          .append("\"Given")
          .append(i)
          .append("\";")
          .append("\"Surname")
          .append(i)
          .append("\";")
          .append(languages[i % languages.length])
          .append(';')
          .append(zones[i % zones.length])
          .append(';')
          .append('"')
          .append(department)
          .append("\";")
          .append("CC")
          .append(i % 200)
          .append(';')
          .append("+44 20 7946 ")
          .append(String.format(Locale.ROOT, "%04d", i % 10000))
          .append(';')
          .append("+44 7700 9")
          .append(String.format(Locale.ROOT, "%05d", i % 100000))
          .append(';')
          .append("\"emea,")
          .append(i % 2 == 0 ? "sales" : "support")
          .append("\"\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * Returns the sum of the heap pools' peak use since the last reset, in MB. The pools peak at
   * different times and garbage counts too, so this is an upper bound of the heap in use.
   */
  private static long peakHeapMegabytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }

  /** Returns the CPU time of this process, all threads, which shared machines disturb less. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String basic(String credential) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
  }
}
