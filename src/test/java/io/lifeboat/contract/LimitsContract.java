package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Request limits, run with {@code lifeboat.api.max-body-bytes=4096}, {@code
 * lifeboat.api.auth-failure-limit=3} and {@code lifeboat.api.auth-lockout=PT1H}.
 */
interface LimitsContract extends LifeboatFixture {

  int MAX_BODY_BYTES = 4096;
  int AUTH_FAILURE_LIMIT = 3;
  Duration AUTH_LOCKOUT = Duration.ofHours(1);

  /** Returns a bulk body for {@code tenant} padded with JSON whitespace to exactly {@code size}. */
  private static String bulkBodyOfSize(Tenant tenant, String local, int size) {
    String body = ApiClient.json(Map.of("users", List.of(UserBody.of(tenant.address(local)))));
    assertThat(body.length()).isLessThan(size);
    return body + " ".repeat(size - body.getBytes(StandardCharsets.UTF_8).length);
  }

  private ApiClient clientFrom(String loopbackAddress) {
    try {
      return ApiClient.local(port(), InetAddress.getByName(loopbackAddress));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(loopbackAddress, e);
    }
  }

  @Test
  default void bodyOverLimitGets413() {
    Tenant tenant = newTenant();

    ApiResponse atLimit =
        tenant.api().put(tenant.path(""), bulkBodyOfSize(tenant, "fits", MAX_BODY_BYTES));
    ApiResponse overLimit =
        tenant.api().put(tenant.path(""), bulkBodyOfSize(tenant, "too.big", MAX_BODY_BYTES + 1));

    atLimit.expect(200);
    assertError(overLimit, 413);
    assertThat(overLimit.text("message")).contains(Integer.toString(MAX_BODY_BYTES));
    assertThat(tenant.count("")).isEqualTo(1);
  }

  @Test
  default void chunkedBodyOverTheLimitGets413() {
    Tenant tenant = newTenant();
    byte[] small =
        bulkBodyOfSize(tenant, "small", MAX_BODY_BYTES / 2).getBytes(StandardCharsets.UTF_8);
    byte[] large =
        bulkBodyOfSize(tenant, "large", MAX_BODY_BYTES + 2000).getBytes(StandardCharsets.UTF_8);

    ApiResponse underLimit =
        tenant
            .api()
            .send(
                tenant
                    .api()
                    .request(tenant.path(""))
                    .header("Content-Type", "application/json")
                    .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small))));
    ApiResponse overLimit =
        tenant
            .api()
            .send(
                tenant
                    .api()
                    .request(tenant.path(""))
                    .header("Content-Type", "application/json")
                    .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large))));

    underLimit.expect(200);
    assertError(overLimit, 413);
    assertThat(tenant.count("")).isEqualTo(1);
  }

  @Test
  default void operatorApiBodiesAreLimitedToo() {
    Map<String, Object> body =
        Map.of(
            "name",
            "x".repeat(MAX_BODY_BYTES),
            "domains",
            List.of(LifeboatFixture.domain(LifeboatFixture.randomDomain())));

    ApiResponse rejected = operator().put(OPERATOR_API + "/customers/" + unusedCustomerId(), body);

    assertError(rejected, 413);
  }

  @Test
  default void repeatedFailuresEndIn429() {
    Tenant tenant = newTenant();
    ApiClient attacker = clientFrom("127.0.0.2");
    Credential wrong = new Credential(tenant.credential().username(), "wrong");

    for (int i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      assertError(attacker.as(wrong).get(tenant.path("")), 401);
    }
    ApiResponse locked = attacker.as(tenant.credential()).get(tenant.path(""));
    ApiResponse lockedOperator = attacker.as(operatorLogin()).get(OPERATOR_API + "/customers");
    ApiResponse otherAddress = tenant.api().get(tenant.path(""));

    assertError(locked, 429);
    assertThat(Long.parseLong(locked.header("Retry-After"))).isPositive();
    assertError(lockedOperator, 429);
    otherAddress.expect(200);
    clock().advance(AUTH_LOCKOUT.plusSeconds(1));
    attacker.as(tenant.credential()).get(tenant.path("")).expect(200);
  }

  @Test
  default void successfulLoginClearsEarlierFailures() {
    Tenant tenant = newTenant();
    ApiClient client = clientFrom("127.0.0.3");
    Credential wrong = new Credential(tenant.credential().username(), "wrong");

    for (int i = 0; i < AUTH_FAILURE_LIMIT - 1; i++) {
      assertError(client.as(wrong).get(tenant.path("")), 401);
    }
    client.as(tenant.credential()).get(tenant.path("")).expect(200);
    for (int i = 0; i < AUTH_FAILURE_LIMIT - 1; i++) {
      assertError(client.as(wrong).get(tenant.path("")), 401);
    }

    client.as(tenant.credential()).get(tenant.path("")).expect(200);
  }
}
