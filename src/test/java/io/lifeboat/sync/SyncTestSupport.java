package io.lifeboat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the real application on random ports, with the SFTP server on loopback, and talks to it over
 * HTTP like a customer's script. Every test creates customers of its own, so tests share one
 * application without seeing each other's users.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class SyncTestSupport {

  public static final String OPERATOR_PASSWORD = "Operator-Test-Pass1";
  public static final String HEADER =
      "primaryEmail;displayName;givenName;surname;language;timezone;department;costcenter;phone;"
          + "mobile;failoverGroups";

  /** Maximum size of a sync file over SFTP in these tests, small enough to exceed quickly. */
  public static final int MAX_FILE_BYTES = 512 * 1024;

  private static final Path DATA_DIR = temporaryDataDir();
  private static final AtomicInteger NEXT_CUSTOMER =
      new AtomicInteger(10000 + ThreadLocalRandom.current().nextInt(80000));

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.data-dir", DATA_DIR::toString);
    registry.add("LIFEBOAT_OPERATOR_PASSWORD", () -> OPERATOR_PASSWORD);
    registry.add("server.address", () -> "127.0.0.1");
    registry.add("lifeboat.sftp.port", () -> "0");
    registry.add("lifeboat.sftp.host", () -> "127.0.0.1");
    registry.add("lifeboat.sync.pickup-delay", () -> "100ms");
    registry.add("lifeboat.sync.max-file-size", () -> MAX_FILE_BYTES + "B");
  }

  protected final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  protected final ObjectMapper json = JsonMapper.builder().build();

  @LocalServerPort protected int httpPort;
  @Autowired protected JdbcClient jdbc;

  /** A customer with one domain and an API credential. */
  public record TestCustomer(String id, String domain, String apiUser, String apiPassword) {}

  /** An HTTP response with its JSON body, empty for a body that is not JSON. */
  public record Answer(int status, Map<String, Object> body) {
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> list(String field) {
      return (List<Map<String, Object>>) body.get(field);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String field) {
      return (Map<String, Object>) body.get(field);
    }
  }

  protected Path dataDir() {
    return DATA_DIR;
  }

  protected TestCustomer newCustomer(int limitPercent, boolean notifications) {
    String id = Integer.toString(NEXT_CUSTOMER.incrementAndGet());
    String domain = "c" + id + ".example.com";
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Customer " + id);
    body.put("domains", List.of(Map.of("domain", domain, "primaryHost", "mail." + domain)));
    body.put("notifications", notifications);
    body.put("syncDeactivationLimitPercent", limitPercent);
    Answer created = operator("PUT", "/operator/v1/customers/" + id, body);
    assertThat(created.status()).as("customer creation").isEqualTo(201);
    Answer credential = operator("POST", "/operator/v1/customers/" + id + "/credentials", null);
    assertThat(credential.status()).as("credential creation").isEqualTo(201);
    return new TestCustomer(
        id,
        domain,
        (String) credential.body().get("username"),
        (String) credential.body().get("password"));
  }

  protected Answer operator(String method, String path, Object body) {
    String text = body == null ? null : json.writeValueAsString(body);
    return send(method, path, "operator", OPERATOR_PASSWORD, "application/json", text);
  }

  /** Uploads a sync file through the API. */
  protected Answer postSync(TestCustomer customer, String csv, String query) {
    return postSync(customer, csv.getBytes(StandardCharsets.UTF_8), query);
  }

  protected Answer postSync(TestCustomer customer, byte[] csv, String query) {
    String path = "/email/continuity/v2/" + customer.id() + "/sync" + (query == null ? "" : query);
    return send("POST", path, customer.apiUser(), customer.apiPassword(), "text/csv", csv);
  }

  protected Answer customerGet(TestCustomer customer, String path) {
    return send(
        "GET",
        "/email/continuity/v2/" + customer.id() + path,
        customer.apiUser(),
        customer.apiPassword(),
        null,
        (byte[]) null);
  }

  /** Returns the customer's active users, keyed by address. */
  protected Map<String, Map<String, Object>> users(TestCustomer customer) {
    Answer answer = customerGet(customer, "");
    assertThat(answer.status()).as("user list").isEqualTo(200);
    Map<String, Map<String, Object>> users = new LinkedHashMap<>();
    for (Map<String, Object> user : answer.list("users")) {
      users.put((String) user.get("user"), user);
    }
    return users;
  }

  protected Answer send(
      String method, String path, String user, String password, String type, String body) {
    return send(
        method,
        path,
        user,
        password,
        type,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  protected Answer send(
      String method, String path, String user, String password, String type, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofMinutes(2))
            .method(
                method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    if (user != null) {
      String basic = user + ":" + password;
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
      Map<String, Object> parsed = new LinkedHashMap<>();
      String text = response.body();
      if (text != null && text.startsWith("{")) {
        parsed = json.readValue(text, LinkedHashMap.class);
      }
      return new Answer(response.statusCode(), parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Returns a file line for a user of the customer's domain, with optional fields empty. */
  protected static String line(TestCustomer customer, String local, String displayName) {
    return local
        + "@"
        + customer.domain()
        + ";"
        + displayName
        + ";Given;Sur;en_GB;Europe/London;;;;;emea";
  }

  /** Returns a file with a header and {@code count} users named user0 to user(count-1). */
  protected static String file(TestCustomer customer, int count) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (int i = 0; i < count; i++) {
      lines.add(line(customer, "user" + i, "User " + i));
    }
    return String.join("\n", lines) + "\n";
  }

  protected long auditCount(TestCustomer customer, String action) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE customer_id = :c AND action = :a")
        .param("c", customer.id())
        .param("a", action)
        .query(Long.class)
        .single();
  }

  private static Path temporaryDataDir() {
    try {
      return Files.createTempDirectory("lifeboat-sync-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
