package io.lifeboat.contract;

import io.lifeboat.config.LifeboatProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * What every contract test needs from a running Lifeboat: an HTTP client, the application context
 * for beans such as the clock, and fresh customers. The backend classes implement the accessors.
 */
interface LifeboatFixture {

  String OPERATOR_API = "/operator/v1";
  String OPERATOR_PASSWORD_VARIABLE = "LIFEBOAT_OPERATOR_PASSWORD";

  /** Returns an anonymous client of the running application. */
  ApiClient http();

  int port();

  ApplicationContext context();

  default MutableClock clock() {
    return context().getBean(MutableClock.class);
  }

  default JdbcClient jdbc() {
    return context().getBean(JdbcClient.class);
  }

  default <T> T bean(Class<T> type) {
    return context().getBean(type);
  }

  default Path dataDir() {
    return bean(LifeboatProperties.class).dataDir();
  }

  /** Returns the operator password: the configured one, or the one generated into the data dir. */
  default String operatorPassword() {
    String configured = context().getEnvironment().getProperty(OPERATOR_PASSWORD_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      return Files.readString(dataDir().resolve("operator-password")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("no operator password configured or generated", e);
    }
  }

  default Credential operatorLogin() {
    return new Credential("operator", operatorPassword());
  }

  /** Returns a client that authenticates as the operator. */
  default ApiClient operator() {
    return http().as(operatorLogin());
  }

  /** Creates a customer with a random id and domain and an API credential for it. */
  default Tenant newTenant() {
    return newTenant(settings -> {});
  }

  /**
   * Creates a customer with a random id and domain, lets {@code settings} change the operator's
   * request body before it is sent, and creates an API credential for it.
   */
  default Tenant newTenant(Consumer<Map<String, Object>> settings) {
    String id = unusedCustomerId();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Test customer " + id);
    body.put("domains", List.of(domain(randomDomain())));
    settings.accept(body);
    JsonNode customer = operator().put(OPERATOR_API + "/customers/" + id, body).expect(201).json();
    String domain = customer.path("customer").path("domains").path(0).path("domain").asString();
    Credential credential = newCredential(id);
    return new Tenant(id, domain, credential, http().as(credential));
  }

  /** Creates another API credential for an existing customer. */
  default Credential newCredential(String customerId) {
    ApiResponse created =
        operator().post(OPERATOR_API + "/customers/" + customerId + "/credentials").expect(201);
    return new Credential(created.text("username"), created.text("password"));
  }

  /** Returns a customer id that no customer has yet, half of them with a letter suffix. */
  default String unusedCustomerId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      String id = String.format("%05d", random.nextInt(100_000));
      if (random.nextBoolean()) {
        id += (char) ('A' + random.nextInt(26)) + "" + (char) ('A' + random.nextInt(26));
      }
      if (operator().get(OPERATOR_API + "/customers/" + id).status() == 404) {
        return id;
      }
    }
  }

  static Map<String, Object> domain(String name) {
    Map<String, Object> domain = new LinkedHashMap<>();
    domain.put("domain", name);
    domain.put("primaryHost", "127.0.0.1");
    domain.put("primaryPort", 25);
    return domain;
  }

  static String randomDomain() {
    return "t" + randomLowerAlphanumeric(10) + ".example.test";
  }

  static String randomLowerAlphanumeric(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** Runs {@code count} calls of {@code call} at the same moment and returns their results. */
  static <T> List<T> together(int count, Callable<T> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(2, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
