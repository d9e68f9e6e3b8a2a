package io.lifeboat.webmail;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.mailstore.Mailstore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Measures the webmail on one mailbox of {@code LIFEBOAT_BENCH_MESSAGES} messages: a 50-message
 * list page, opening a message (page and body frame) and a search across all folders. Each time is
 * one HTTP round trip over loopback, so it is server time plus a small client overhead. Run by
 * {@code bench/webmail.sh}; skipped when the variable is unset.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebmailBenchmark {

  private static final String PASSWORD = "Standby2026!";
  private static final int SAMPLES = 200;
  private static final int SEARCH_SAMPLES = 20;

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-bench");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired ProvisioningService provisioning;
  @Autowired io.lifeboat.operator.CustomerService customers;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired UserRepository users;
  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;
  @Autowired JdbcClient jdbc;

  @Test
  void measureListOpenAndSearch() throws Exception {
    String count = System.getenv("LIFEBOAT_BENCH_MESSAGES");
    Assumptions.assumeTrue(count != null, "set LIFEBOAT_BENCH_MESSAGES to run the benchmark");
    int messages = Integer.parseInt(count);
    String email = activeUser();
    long userId = users.findByEmail(email).orElseThrow().id();

    long seedStart = System.nanoTime();
    seed(userId, messages);
    double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

    WebmailHttpSession session =
        WebmailHttpSession.signIn("http://127.0.0.1:" + port, email, PASSWORD);
    long inbox = mailstore.folder(userId, FolderRole.INBOX).id();
    int pages = (messages + 49) / 50;
    List<Long> ids =
        jdbc.sql("SELECT id FROM mail_message WHERE user_id = :user")
            .param("user", userId)
            .query(Long.class)
            .list();
    Random random = new Random(42);

    List<String> report = new ArrayList<>();
    report.add(
        String.format(
            Locale.ROOT,
            "messages=%d seeded in %.0f s (%.0f per second)",
            messages,
            seedSeconds,
            messages / seedSeconds));
    report.add(time("list page 1", SAMPLES, () -> session.get("/mail/list?folder=" + inbox)));
    report.add(
        time(
            "list random page",
            SAMPLES,
            () ->
                session.get(
                    "/mail/list?folder=" + inbox + "&page=" + (1 + random.nextInt(pages)))));
    report.add(
        time(
            "list last page",
            SAMPLES,
            () -> session.get("/mail/list?folder=" + inbox + "&page=" + pages)));
    report.add(
        time(
            "open message (page + body)",
            SAMPLES,
            () -> {
              long id = ids.get(random.nextInt(ids.size()));
              session.get("/?message=" + id);
              return session.get("/mail/message/" + id + "/body");
            }));
    report.add(
        time(
            "search all folders",
            SEARCH_SAMPLES,
            () -> {
              HttpResponse<String> found =
                  session.get("/mail/search?q=invoice+" + random.nextInt(1000));
              // From 1,000 messages on, every number below 1,000 is in some subject, so a page
              // without rows means the search is broken and its time is meaningless.
              boolean expectRows = messages >= 1000 && found.statusCode() == 200;
              if (expectRows && !found.body().contains("id=\"row-")) {
                throw new IllegalStateException("search returned no messages");
              }
              return found;
            }));
    String text = String.join("\n", report) + "\n";
    System.out.print(text);
    Files.writeString(Path.of("target", "webmail-benchmark.txt"), text);
  }

  private interface Request {
    HttpResponse<String> send() throws Exception;
  }

  private static String time(String name, int samples, Request request) throws Exception {
    // Warm-up requests, not counted.
    for (int i = 0; i < Math.min(10, samples / 4); i++) {
      request.send();
    }
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = request.send();
      millis.add((System.nanoTime() - start) / 1e6);
      if (response.statusCode() != 200) {
        throw new IllegalStateException(name + " returned " + response.statusCode());
      }
    }
    Collections.sort(millis);
    return String.format(
        Locale.ROOT,
        "%-28s samples=%d p50=%.1f ms p95=%.1f ms max=%.1f ms",
        name,
        samples,
        millis.get(samples / 2),
        millis.get((int) Math.ceil(samples * 0.95) - 1),
        millis.get(samples - 1));
  }

  /** Delivers generated messages on two threads, as the delivery queue would. */
  private void seed(long userId, int messages) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    for (int worker = 0; worker < 2; worker++) {
      done.add(
          workers.submit(
              () -> {
                Path file = Files.createTempFile("lifeboat-bench", ".eml");
                for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                  Files.writeString(file, message(i), StandardCharsets.UTF_8);
                  delivery.deliverToInbox(userId, "bench-" + i, file);
                }
                Files.delete(file);
                return null;
              }));
    }
    for (Future<?> future : done) {
      future.get();
    }
    workers.shutdown();
  }

  private static String message(int i) {
    return "From: Sender "
        + (i % 500)
        + " <sender"
        + (i % 500)
        + "@partner.example>\r\n"
        + "To: Reader <reader@bench.example>\r\n"
        + "Subject: Invoice "
        + i
        + " for order "
        + (i % 1000)
        + "\r\n"
        + "Message-ID: <bench-"
        + i
        + "@partner.example>\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Hello,\r\n\r\nplease find the details of invoice "
        + i
        + " below.\r\n"
        + "Amount due: "
        + (i % 997)
        + ".00 EUR\r\n\r\nRegards\r\n";
  }

  private String activeUser() {
    String customer = "88888";
    Actor actor = new Actor("bench-" + System.nanoTime(), "bench", "127.0.0.1");
    customers.put(
        actor,
        customer,
        new io.lifeboat.operator.CustomerRequest(
            "Benchmark",
            List.of(
                new io.lifeboat.operator.CustomerRequest.DomainRequest(
                    "bench.example", "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
    String email = "reader@bench.example";
    provisioning.put(
        actor,
        customer,
        new UserDraft(
            email,
            "Bench Reader",
            "Bench",
            "Reader",
            "en_GB",
            "Europe/London",
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
