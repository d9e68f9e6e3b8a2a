package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The bulk {@code PUT /{CUSTOMER}} and {@code DELETE /{CUSTOMER}}. */
interface BulkContract extends LifeboatFixture {

  @Test
  default void bulkPutCreatesAndUpdatesUsers() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(UserBody.of(tenant.address("kept")), UserBody.of(tenant.address("changed"))));

    ApiResponse response =
        tenant.createAll(
            List.of(
                UserBody.of(tenant.address("kept")),
                UserBody.of(tenant.address("changed")).set("surName", "Changed"),
                UserBody.of(tenant.address("new1")),
                UserBody.of(tenant.address("new2"))));

    JsonNode body = assertEnvelope(response);
    assertThat(body.path("created").asInt()).isEqualTo(2);
    assertThat(body.path("updated").asInt()).isEqualTo(1);
    assertThat(body.path("affectedUsers").asInt()).isEqualTo(3);
    assertThat(tenant.count("")).isEqualTo(4);
    assertThat(
            tenant
                .getUser(tenant.address("changed"))
                .json()
                .path("user")
                .path("surName")
                .asString())
        .isEqualTo("Changed");
  }

  @Test
  default void bulkPutWithInvalidUsersChangesNothing() {
    Tenant tenant = newTenant();
    Tenant other = newTenant();
    tenant.create(UserBody.of(tenant.address("existing")));

    ApiResponse rejected =
        tenant
            .api()
            .put(
                tenant.path(""),
                Map.of(
                    "users",
                    List.of(
                        UserBody.of(tenant.address("existing")).set("displayName", "Renamed"),
                        UserBody.of(tenant.address("fine")),
                        UserBody.of(tenant.address("bad.language")).set("language", "xx_XX"),
                        UserBody.of(other.address("foreign")),
                        UserBody.of(tenant.address("fine2")),
                        UserBody.of(tenant.address("bad.phone")).set("phone", "abc"))));

    assertError(rejected, 400);
    assertThat(rejected.errorFields())
        .containsExactlyInAnyOrder("users[2].language", "users[3].user", "users[5].phone");
    assertThat(tenant.count("")).isEqualTo(1);
    assertThat(
            tenant
                .getUser(tenant.address("existing"))
                .json()
                .path("user")
                .path("displayName")
                .asString())
        .isEqualTo("Test User");
    tenant.api().get(tenant.userPath(tenant.address("fine"))).expect(404);
  }

  @Test
  default void bulkPutListsDuplicateAddresses() {
    Tenant tenant = newTenant();

    ApiResponse rejected =
        tenant
            .api()
            .put(
                tenant.path(""),
                Map.of(
                    "users",
                    List.of(
                        UserBody.of(tenant.address("twice")),
                        UserBody.of(tenant.address("TWICE")))));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("users[1].user");
    assertThat(tenant.count("")).isZero();
  }

  @Test
  default void bulkPutWithNullEntryIsRejected() {
    Tenant tenant = newTenant();

    ApiResponse rejected =
        tenant
            .api()
            .put(
                tenant.path(""),
                "{\"users\": [" + ApiClient.json(UserBody.of(tenant.address("a"))) + ", null]}");

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("users[1].");
    assertThat(tenant.count("")).isZero();
  }

  @Test
  default void bulkPutWithoutUsersIsRejected() {
    Tenant tenant = newTenant();

    ApiResponse rejected = tenant.api().put(tenant.path(""), Map.of("people", List.of()));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("users");
  }

  @Test
  default void bulkPutOfMoreThan10000UsersIsRejected() {
    Tenant tenant = newTenant();
    List<Map<String, Object>> users = new ArrayList<>(10_001);
    for (int i = 0; i <= 10_000; i++) {
      users.add(
          Map.of(
              "user", "u" + i + "@" + tenant.domain(),
              "displayName", "U",
              "givenName", "U",
              "surName", "U",
              "language", "en_GB",
              "timezone", "UTC"));
    }

    ApiResponse rejected = tenant.api().put(tenant.path(""), Map.of("users", users));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("users");
    assertThat(rejected.text("message")).contains("10000").contains("10001");
    assertThat(tenant.count("")).isZero();
  }

  @Test
  default void concurrentPutsCreateUserOnce() throws Exception {
    Tenant tenant = newTenant();
    String address = tenant.address("racer");

    List<Integer> statuses =
        LifeboatFixture.together(
            6, () -> tenant.api().put(tenant.userPath(address), UserBody.of(address)).status());

    assertThat(statuses).containsOnly(200, 201);
    assertThat(statuses.stream().filter(status -> status == 201).count()).isEqualTo(1);
    assertThat(tenant.count("")).isEqualTo(1);
  }

  @Test
  default void bulkDeleteRemovesTheSelectedUsers() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(
            UserBody.of(tenant.address("a")).groups("leavers"),
            UserBody.of(tenant.address("b")).groups("leavers"),
            UserBody.of(tenant.address("c")).groups("stayers")));

    ApiResponse deleted = tenant.api().delete(tenant.path("?group=leavers")).expect(200);
    ApiResponse again = tenant.api().delete(tenant.path("?group=leavers")).expect(200);

    assertThat(assertEnvelope(deleted).path("affectedUsers").asInt()).isEqualTo(2);
    assertThat(again.json().path("affectedUsers").asInt()).isZero();
    assertThat(CustomerApiContract.addresses(tenant.api().get(tenant.path("")).expect(200)))
        .containsExactly(tenant.address("c"));
  }
}
