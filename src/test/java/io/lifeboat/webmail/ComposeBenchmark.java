package io.lifeboat.webmail;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Measures sending one message with a large attachment from the webmail: the multipart upload, the
 * size check, building the MIME message, queueing it and storing the Sent copy, as one HTTP request
 * over loopback. Delivery is off, so the queue keeps the message. Reports the median time and the
 * peak heap growth over the run. Run by {@code bench/compose.sh}; skipped unless {@code
 * LIFEBOAT_BENCH_COMPOSE_MB} names the attachment size in MB.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"lifeboat.delivery.enabled=false", "lifeboat.smtp.port=0"})
class ComposeBenchmark {

  private static final String PASSWORD = "Standby2026!";
  private static final int SAMPLES = 5;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-compose-bench");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired Mailstore mailstore;
  @Autowired io.lifeboat.directory.UserRepository users;

  @Test
  void sendLargeAttachment() throws Exception {
    String megabytes = System.getenv("LIFEBOAT_BENCH_COMPOSE_MB");
    Assumptions.assumeTrue(
        megabytes != null, "set LIFEBOAT_BENCH_COMPOSE_MB to run the compose benchmark");
    int size = Integer.parseInt(megabytes) * 1024 * 1024;
    Path file = Files.createTempFile("lifeboat-bench-attachment", ".bin");
    byte[] chunk = new byte[1024 * 1024];
    new Random(1).nextBytes(chunk);
    try (var out = Files.newOutputStream(file)) {
      for (int written = 0; written < size; written += chunk.length) {
        out.write(chunk, 0, Math.min(chunk.length, size - written));
      }
    }

    String email = user();
    long userId = users.findByEmail(email).orElseThrow().id();
    String base = "http://127.0.0.1:" + port;
    WebmailHttpSession session = WebmailHttpSession.signIn(base, email, PASSWORD);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<Long> millis = new ArrayList<>();
    long peakGrowth = 0;

    for (int i = 0; i < SAMPLES; i++) {
      String token = session.csrfToken("/mail/compose");
      System.gc();
      long baseline = memory.getHeapMemoryUsage().getUsed();
      AtomicLong peak = new AtomicLong(baseline);
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                      try {
                        Thread.sleep(20);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      String subject = "Bench " + UUID.randomUUID();
      long start = System.nanoTime();
      // The session follows the redirect to Sent, so success is 200 with the Sent copy stored.
      int status = session.send(multipart(base, token, subject, file));
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      sampler.interrupt();
      sampler.join();
      if (status != 200) {
        throw new IllegalStateException("send returned HTTP " + status);
      }
      long sent = mailstore.folder(userId, FolderRole.SENT).id();
      boolean stored =
          mailstore.messages(userId, sent, 0, 10).messages().stream()
              .anyMatch(m -> subject.equals(m.metadata().subject()));
      if (!stored) {
        throw new IllegalStateException("the Sent copy of " + subject + " is missing");
      }
      millis.add(elapsed);
      peakGrowth = Math.max(peakGrowth, peak.get() - baseline);
    }
    Files.delete(file);

    Collections.sort(millis);
    String report =
        String.format(
            Locale.ROOT,
            "attachment %d MB, %d sends: median %d ms, min %d ms, max %d ms;"
                + " peak heap growth %d MB (max heap %d MB)%n",
            size / (1024 * 1024),
            SAMPLES,
            millis.get(millis.size() / 2),
            millis.getFirst(),
            millis.getLast(),
            peakGrowth / (1024 * 1024),
            memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
    System.out.print(report);
    Files.writeString(Path.of("target", "compose-benchmark.txt"), report);
  }

  private static HttpRequest multipart(String base, String token, String subject, Path file)
      throws IOException {
    String boundary = "bench" + UUID.randomUUID();
    StringBuilder head = new StringBuilder();
    for (String[] field :
        List.of(
            new String[] {"_csrf", token},
            new String[] {"to", "someone@outside.test"},
            new String[] {"subject", subject},
            new String[] {"body", "The file is attached."},
            new String[] {"action", "send"})) {
      head.append("--")
          .append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"")
          .append(field[0])
          .append("\"\r\n\r\n")
          .append(field[1])
          .append("\r\n");
    }
    head.append("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"files\"; filename=\"data.bin\"\r\n")
        .append("Content-Type: application/octet-stream\r\n\r\n");
    return HttpRequest.newBuilder(URI.create(base + "/mail/compose"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(
            HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofFile(file),
                HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
        .build();
  }

  private String user() {
    String customer = Integer.toString(new Random().nextInt(10000, 99999));
    String domain = "b" + customer + ".example";
    Actor actor = new Actor("bench", "bench", "127.0.0.1");
    customers.put(
        actor,
        customer,
        new CustomerRequest(
            "Bench " + customer,
            List.of(new CustomerRequest.DomainRequest(domain, "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
    String email = "anna@" + domain;
    provisioning.put(
        actor,
        customer,
        new UserDraft(
            email,
            "Anna Bench",
            "Anna",
            "Bench",
            "en_GB",
            "UTC",
            null,
            null,
            null,
            null,
            List.of()));
    IssuedToken token = provisioning.issueToken(actor, customer, email, false);
    tokens.setPassword(actor, email, token.token(), PASSWORD);
    directory.setFlag(actor, customer, email, Flag.ACCESS, true);
    return email;
  }
}
