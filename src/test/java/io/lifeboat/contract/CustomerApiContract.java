package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static io.lifeboat.contract.Envelopes.assertSingleFieldError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The operations of the customer API: responses, status codes and the envelope. */
interface CustomerApiContract extends LifeboatFixture {

  @Test
  default void putNewUserReturnsToken() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane.roe");

    ApiResponse created = tenant.api().put(tenant.userPath(address), UserBody.of(address));

    created.expect(201);
    JsonNode body = assertEnvelope(created);
    assertThat(body.path("token").asString()).matches("[a-z0-9]{32}");
    assertThat(body.path("url").asString())
        .endsWith("/activation?token=" + body.path("token").asString());
    Instant expiry = Instant.parse(body.path("expiryTimestamp").asString());
    assertThat(Duration.between(clock().instant().plus(Duration.ofDays(7)), expiry).abs())
        .isLessThan(Duration.ofMinutes(1));
  }

  @Test
  default void putExistingUserUpdatesIt() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane.roe");
    tenant.create(UserBody.of(address));

    ApiResponse updated =
        tenant
            .api()
            .put(
                tenant.userPath(address),
                UserBody.of(address).set("displayName", "Jane Smith").set("department", "Sales"));

    updated.expect(200);
    JsonNode body = assertEnvelope(updated);
    assertThat(body.propertyNames()).containsExactlyInAnyOrder("id", "timestamp");
    JsonNode user = tenant.getUser(address).json().path("user");
    assertThat(user.path("displayName").asString()).isEqualTo("Jane Smith");
    assertThat(user.path("department").asString()).isEqualTo("Sales");
  }

  @Test
  default void addressDefaultsToPath() {
    Tenant tenant = newTenant();
    String address = tenant.address("no.body.address");

    tenant.api().put(tenant.userPath(address), UserBody.of(address).set("user", null)).expect(201);

    assertThat(tenant.getUser(address).json().path("user").path("user").asString())
        .isEqualTo(address);
  }

  @Test
  default void getUserReturnsEveryField() {
    Tenant tenant = newTenant();
    String address = tenant.address("max.mustermann");
    tenant.create(
        UserBody.of(address)
            .set("displayName", "Max Mustermann")
            .set("givenName", "Max")
            .set("surName", "Mustermann")
            .set("language", "de_DE")
            .set("timezone", "Europe/Berlin")
            .set("department", "Finance")
            .set("costCenter", "CC-42")
            .set("phone", "+49 30 1234567")
            .set("mobile", "+49 (170) 123-45/67")
            .groups("EMEA", "finance"));

    ApiResponse response = tenant.api().get(tenant.userPath(address)).expect(200);

    assertEnvelope(response);
    JsonNode user = response.json().path("user");
    assertThat(user.path("customer").asString()).isEqualTo(tenant.id());
    assertThat(user.path("domain").asString()).isEqualTo(tenant.domain());
    assertThat(user.path("user").asString()).isEqualTo(address);
    assertThat(user.path("displayName").asString()).isEqualTo("Max Mustermann");
    assertThat(user.path("givenName").asString()).isEqualTo("Max");
    assertThat(user.path("surName").asString()).isEqualTo("Mustermann");
    assertThat(user.path("language").asString()).isEqualTo("de_DE");
    assertThat(user.path("timezone").asString()).isEqualTo("Europe/Berlin");
    assertThat(user.path("department").asString()).isEqualTo("Finance");
    assertThat(user.path("costCenter").asString()).isEqualTo("CC-42");
    assertThat(user.path("phone").asString()).isEqualTo("+49 30 1234567");
    assertThat(user.path("mobile").asString()).isEqualTo("+49 (170) 123-45/67");
    assertThat(strings(user.path("failoverGroups"))).containsExactlyInAnyOrder("emea", "finance");
    assertThat(user.path("activation").asBoolean(true)).isFalse();
    assertThat(user.path("access").asBoolean(true)).isFalse();
    assertThat(user.path("failover").asBoolean(true)).isFalse();
    assertThat(user.path("created").asString()).matches(Envelopes.TIMESTAMP);
    assertThat(user.path("modified").asString()).matches(Envelopes.TIMESTAMP);
    assertThat(user.has("deactivated")).isFalse();
    assertThat(user.has("deletionDue")).isFalse();
  }

  @Test
  default void getUnknownUserAnswers404() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().get(tenant.userPath(tenant.address("nobody")));

    assertError(response, 404);
  }

  @Test
  default void listReturnsActiveUsersInEnvelope() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(
            UserBody.of(tenant.address("a")),
            UserBody.of(tenant.address("b")),
            UserBody.of(tenant.address("c"))));

    ApiResponse response = tenant.api().get(tenant.path("")).expect(200);

    assertEnvelope(response);
    assertThat(addresses(response))
        .containsExactlyInAnyOrder(tenant.address("a"), tenant.address("b"), tenant.address("c"));
  }

  @Test
  default void listOfCustomerWithoutUsersIsEmpty() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().get(tenant.path("")).expect(200);

    assertThat(response.json().path("users").isArray()).isTrue();
    assertThat(response.json().path("users").size()).isZero();
    assertThat(tenant.count("")).isZero();
  }

  @Test
  default void headAnswersUserCountWithoutBody() {
    Tenant tenant = newTenant();
    tenant.createAll(List.of(UserBody.of(tenant.address("a")), UserBody.of(tenant.address("b"))));

    ApiResponse response = tenant.api().head(tenant.path("")).expect(200);

    assertThat(response.header("User-Count")).isEqualTo("2");
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().allValues("X-Request-Id")).hasSize(1);
  }

  @Test
  default void bodyAddressMustMatchPath() {
    Tenant tenant = newTenant();
    String address = tenant.address("path.user");

    ApiResponse response =
        tenant.api().put(tenant.userPath(address), UserBody.of(tenant.address("body.user")));

    assertSingleFieldError(response, "user");
    tenant.api().get(tenant.userPath(address)).expect(404);
  }

  @Test
  default void bodyThatIsNotJsonIsRejected() {
    Tenant tenant = newTenant();
    String address = tenant.address("broken");

    ApiResponse response = tenant.api().put(tenant.userPath(address), "{\"user\": ");

    assertError(response, 400);
    assertThat(response.text("message")).contains("not valid JSON");
  }

  @Test
  default void wrongJsonTypeNamesField() {
    Tenant tenant = newTenant();
    String address = tenant.address("typed");

    ApiResponse response =
        tenant
            .api()
            .put(
                tenant.path(""),
                "{\"users\": ["
                    + ApiClient.json(UserBody.of(address).set("failoverGroups", "emea"))
                    + "]}");

    assertError(response, 400);
    assertThat(response.text("message"))
        .isEqualTo("request body field 'users[0].failoverGroups' must be an array; fix its value")
        .doesNotContain("java.");
    assertThat(tenant.count("")).isZero();
  }

  @Test
  default void missingBodyIsNamed() {
    Tenant tenant = newTenant();

    ApiResponse response =
        tenant
            .api()
            .send("PUT", tenant.userPath(tenant.address("empty")), "application/json", null);

    assertError(response, 400);
    assertThat(response.text("message")).isEqualTo("request body is missing; send a JSON object");
  }

  @Test
  default void nonJsonContentTypeIsRejected() {
    Tenant tenant = newTenant();
    String address = tenant.address("form");

    ApiResponse response =
        tenant.api().send("PUT", tenant.userPath(address), "text/plain", "user=" + address);

    assertError(response, 415);
  }

  @Test
  default void malformedCustomerIdIsRejected() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().get(Tenant.BASE + "1234");

    assertError(response, 400);
    assertThat(response.errorFields()).containsExactly("CUSTOMER");
  }

  @Test
  default void setAndClearOneUsersFlags() {
    Tenant tenant = newTenant();
    String address = tenant.address("flags");
    tenant.create(UserBody.of(address));

    assertThat(
            assertEnvelope(tenant.api().put(tenant.userPath(address) + "/failover").expect(200))
                .propertyNames())
        .containsExactlyInAnyOrder("id", "timestamp");
    tenant.api().put(tenant.userPath(address) + "/access").expect(200);
    JsonNode set = tenant.getUser(address).json().path("user");
    tenant.api().delete(tenant.userPath(address) + "/failover").expect(200);
    JsonNode cleared = tenant.getUser(address).json().path("user");

    assertThat(set.path("failover").asBoolean()).isTrue();
    assertThat(set.path("access").asBoolean()).isTrue();
    assertThat(set.path("activation").asBoolean()).isFalse();
    assertThat(cleared.path("failover").asBoolean()).isFalse();
    assertThat(cleared.path("access").asBoolean()).isTrue();
  }

  @Test
  default void flagOfUnknownUserAnswers404() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().put(tenant.userPath(tenant.address("ghost")) + "/failover");

    assertError(response, 404);
  }

  @Test
  default void activationCannotBeSetThroughTheApi() {
    Tenant tenant = newTenant();
    String address = tenant.address("activation");
    tenant.create(UserBody.of(address));

    ApiResponse one = tenant.api().put(tenant.userPath(address) + "/activation");
    ApiResponse all = tenant.api().put(tenant.path("/activation"));

    assertThat(one.status()).as("%s", one).isIn(400, 404, 405);
    assertEnvelope(one);
    assertThat(all.status()).as("%s", all).isIn(400, 404, 405, 415);
    assertEnvelope(all);
    assertThat(tenant.getUser(address).json().path("user").path("activation").asBoolean())
        .isFalse();
  }

  @Test
  default void tokenOfUnknownUserAnswers404() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().post(tenant.userPath(tenant.address("ghost")) + "/token");

    assertError(response, 404);
  }

  @Test
  default void bulkFlagSwitchAnswersAffectedUsers() {
    Tenant tenant = newTenant();
    tenant.createAll(List.of(UserBody.of(tenant.address("a")), UserBody.of(tenant.address("b"))));

    ApiResponse response = tenant.api().put(tenant.path("/access")).expect(200);

    JsonNode body = assertEnvelope(response);
    assertThat(body.path("affectedUsers").asInt()).isEqualTo(2);
    assertThat(tenant.count("?access=true")).isEqualTo(2);
  }

  @Test
  default void unsupportedMethodGetsErrorBody() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().post(tenant.path(""));

    assertError(response, 405);
  }

  // NOTE: Tomcat rejects an encoded slash before Spring runs, so this 400 carries Tomcat's HTML
  // error page instead of the API's error body.
  @Test
  default void encodedSlashInPathIsRejected() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().get(tenant.path("/jane%2F..%2Fadmin@" + tenant.domain()));

    response.expect(400);
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asString()));
    return values;
  }

  static List<String> addresses(ApiResponse list) {
    List<String> found = new ArrayList<>();
    list.json().path("users").forEach(user -> found.add(user.path("user").asString()));
    return found;
  }

  static Map<String, JsonNode> usersByAddress(ApiResponse list) {
    Map<String, JsonNode> found = new java.util.HashMap<>();
    list.json().path("users").forEach(user -> found.put(user.path("user").asString(), user));
    return found;
  }
}
