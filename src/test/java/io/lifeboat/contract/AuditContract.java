package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The audit log as the operator reads it, and that it never contains a secret. */
interface AuditContract extends LifeboatFixture {

  private List<JsonNode> audit(Tenant tenant) {
    List<JsonNode> entries = new ArrayList<>();
    operator()
        .get(OPERATOR_API + "/customers/" + tenant.id() + "/audit?size=1000")
        .expect(200)
        .json()
        .path("entries")
        .forEach(entries::add);
    return entries;
  }

  /** Returns the entries written by the request whose response had {@code id}. */
  private List<JsonNode> entriesOf(Tenant tenant, ApiResponse response) {
    String requestId = response.text("id");
    return audit(tenant).stream()
        .filter(e -> e.path("requestId").asString().equals(requestId))
        .toList();
  }

  /** Returns the only entry of a request, after checking its actor and client address. */
  private JsonNode onlyEntryOf(Tenant tenant, ApiResponse response, String actor) {
    List<JsonNode> entries = entriesOf(tenant, response);
    assertThat(entries).as("audit entries of %s", response).hasSize(1);
    JsonNode entry = entries.get(0);
    assertThat(entry.path("actor").asString()).isEqualTo(actor);
    assertThat(entry.path("clientAddress").asString()).isEqualTo("127.0.0.1");
    assertThat(entry.path("occurred").asString()).matches(Envelopes.TIMESTAMP);
    return entry;
  }

  private static void assertChange(
      JsonNode entry, String action, String user, String field, String oldValue, String newValue) {
    assertThat(entry.path("action").asString()).isEqualTo(action);
    assertThat(textOrNull(entry, "user")).isEqualTo(user);
    assertThat(textOrNull(entry, "field")).isEqualTo(field);
    assertThat(textOrNull(entry, "oldValue")).isEqualTo(oldValue);
    assertThat(textOrNull(entry, "newValue")).isEqualTo(newValue);
  }

  /** Returns a field's text, or null when it is absent or null. */
  private static String textOrNull(JsonNode entry, String field) {
    JsonNode value = entry.path(field);
    return value.isNull() || value.isMissingNode() ? null : value.asString();
  }

  @Test
  default void userChangesAreAuditedWithRequestId() {
    Tenant tenant = newTenant();
    String actor = tenant.credential().username();
    String address = tenant.address("jane");

    ApiResponse created = tenant.create(UserBody.of(address));
    ApiResponse updated =
        tenant
            .api()
            .put(tenant.userPath(address), UserBody.of(address).set("displayName", "Jane Roe"))
            .expect(200);
    ApiResponse failover = tenant.api().put(tenant.userPath(address) + "/failover").expect(200);
    ApiResponse access = tenant.api().put(tenant.path("/access")).expect(200);
    ApiResponse cleared = tenant.api().delete(tenant.path("/access")).expect(200);
    ApiResponse token = tenant.issueToken(address);
    ApiResponse password = tenant.setPassword(address, token.text("token"), "Secret1!x");
    ApiResponse deleted = tenant.api().delete(tenant.userPath(address)).expect(200);

    assertThat(entriesOf(tenant, created))
        .extracting(e -> e.path("action").asString() + " " + e.path("actor").asString())
        .containsExactlyInAnyOrder("user.created " + actor, "token.issued " + actor);
    assertChange(
        onlyEntryOf(tenant, updated, actor),
        "user.updated",
        address,
        "displayName",
        "Test User",
        "Jane Roe");
    assertChange(
        onlyEntryOf(tenant, failover, actor), "flag.set", address, "failover", "false", "true");
    assertChange(
        onlyEntryOf(tenant, access, actor), "flag.set", address, "access", "false", "true");
    assertChange(
        onlyEntryOf(tenant, cleared, actor), "flag.cleared", address, "access", "true", "false");
    JsonNode issued = onlyEntryOf(tenant, token, actor);
    assertThat(issued.path("action").asString()).isEqualTo("token.issued");
    assertThat(issued.path("newValue").asString())
        .startsWith("activation until " + token.text("expiryTimestamp"));
    assertChange(
        onlyEntryOf(tenant, password.expect(200), "token"),
        "account.activated",
        address,
        "activation",
        "false",
        "true");
    JsonNode deletion = onlyEntryOf(tenant, deleted, actor);
    assertThat(deletion.path("action").asString()).isEqualTo("user.deleted");
    assertThat(deletion.path("field").asString()).isEqualTo("deletionDue");
  }

  @Test
  default void bulkChangesAreAuditedPerUser() {
    Tenant tenant = newTenant();
    String actor = tenant.credential().username();
    List<UserBody> users =
        List.of(
            UserBody.of(tenant.address("a")).groups("team"),
            UserBody.of(tenant.address("b")).groups("team"),
            UserBody.of(tenant.address("c")));
    ApiResponse created = tenant.createAll(users);
    ApiResponse switched = tenant.api().put(tenant.path("/failover?group=team")).expect(200);
    ApiResponse deleted = tenant.api().delete(tenant.path("?group=team")).expect(200);
    ApiResponse restored = tenant.createAll(users);

    assertThat(entriesOf(tenant, created))
        .extracting(e -> e.path("action").asString() + " " + e.path("user").asString())
        .containsExactlyInAnyOrder(
            "user.created " + tenant.address("a"),
            "user.created " + tenant.address("b"),
            "user.created " + tenant.address("c"));
    assertThat(entriesOf(tenant, switched))
        .extracting(e -> e.path("user").asString())
        .containsExactlyInAnyOrder(tenant.address("a"), tenant.address("b"));
    assertThat(entriesOf(tenant, deleted))
        .extracting(e -> e.path("action").asString() + " " + e.path("user").asString())
        .containsExactlyInAnyOrder(
            "user.deleted " + tenant.address("a"), "user.deleted " + tenant.address("b"));
    assertThat(entriesOf(tenant, restored))
        .extracting(e -> e.path("action").asString() + " " + e.path("user").asString())
        .containsExactlyInAnyOrder(
            "user.restored " + tenant.address("a"), "user.restored " + tenant.address("b"));
    for (JsonNode entry : entriesOf(tenant, switched)) {
      assertThat(entry.path("actor").asString()).isEqualTo(actor);
      assertThat(entry.path("clientAddress").asString()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  default void operatorChangesAreAudited() {
    Tenant tenant = newTenant();

    ApiResponse renamed =
        operator()
            .put(
                OPERATOR_API + "/customers/" + tenant.id(),
                Map.of("name", "Renamed Ltd", "tokenLifetimeDays", 3))
            .expect(200);
    ApiResponse credential =
        operator().post(OPERATOR_API + "/customers/" + tenant.id() + "/credentials").expect(201);
    ApiResponse revoked =
        operator()
            .delete(
                OPERATOR_API
                    + "/customers/"
                    + tenant.id()
                    + "/credentials/"
                    + credential.text("username"))
            .expect(200);

    assertThat(entriesOf(tenant, renamed))
        .extracting(
            e ->
                e.path("field").asString()
                    + ": "
                    + e.path("oldValue").asString()
                    + " -> "
                    + e.path("newValue").asString())
        .containsExactlyInAnyOrder(
            "name: Test customer " + tenant.id() + " -> Renamed Ltd", "tokenLifetimeDays: 7 -> 3");
    assertChange(
        onlyEntryOf(tenant, credential, "operator"),
        "credential.created",
        null,
        "username",
        null,
        credential.text("username"));
    assertChange(
        onlyEntryOf(tenant, revoked, "operator"),
        "credential.revoked",
        null,
        "username",
        credential.text("username"),
        null);
  }

  @Test
  default void auditIsNewestFirstAndPaged() {
    Tenant tenant = newTenant();
    for (String local : List.of("a", "b", "c", "d")) {
      tenant.createAll(List.of(UserBody.of(tenant.address(local))));
    }
    String base = OPERATOR_API + "/customers/" + tenant.id() + "/audit";

    JsonNode all = operator().get(base).expect(200).json();
    JsonNode first = operator().get(base + "?page=0&size=2").expect(200).json();
    JsonNode second = operator().get(base + "?page=1&size=2").expect(200).json();

    long total = all.path("total").asLong();
    assertThat(all.path("entries").size()).isEqualTo((int) total);
    assertThat(first.path("total").asLong()).isEqualTo(total);
    assertThat(first.path("entries").size()).isEqualTo(2);
    assertThat(first.path("entries").path(0).path("user").asString())
        .isEqualTo(tenant.address("d"));
    assertThat(first.path("entries").path(1).path("user").asString())
        .isEqualTo(tenant.address("c"));
    assertThat(second.path("entries").path(0).path("user").asString())
        .isEqualTo(tenant.address("b"));
    assertThat(all.path("entries").path((int) total - 1).path("action").asString())
        .isEqualTo("customer.created");
  }

  @Test
  default void auditPagingIsValidated() {
    Tenant tenant = newTenant();
    String base = OPERATOR_API + "/customers/" + tenant.id() + "/audit";

    assertError(operator().get(base + "?size=0"), 400);
    assertError(operator().get(base + "?size=1001"), 400);
    assertError(operator().get(base + "?page=-1"), 400);
    assertError(operator().get(base + "?page=x"), 400);
    operator().get(base + "?size=1000").expect(200);
    assertError(operator().get(OPERATOR_API + "/customers/" + unusedCustomerId() + "/audit"), 404);
    assertError(tenant.api().get(base), 401);
  }

  @Test
  default void auditNeverHoldsASecret() {
    Tenant tenant = newTenant(settings -> settings.put("notifications", true));
    List<String> secrets = new ArrayList<>();
    secrets.add(tenant.credential().password());
    String address = tenant.address("jane");
    secrets.add(tenant.create(UserBody.of(address)).text("token"));
    String reset = tenant.issueToken(address).text("token");
    secrets.add(reset);
    tenant.setPassword(address, reset, "Audit7Secret!").expect(200);
    secrets.add("Audit7Secret!");
    String second = tenant.issueToken(address).text("token");
    secrets.add(second);
    tenant.setPassword(address, second, "Audit8Secret!").expect(200);
    secrets.add("Audit8Secret!");
    Credential extra = newCredential(tenant.id());
    secrets.add(extra.password());
    operator()
        .put(
            OPERATOR_API + "/customers/" + tenant.id() + "/sftp",
            Map.of("password", "Sftp9Secret!", "publicKey", OperatorContract.rsaPublicKey()))
        .expect(200);
    secrets.add("Sftp9Secret!");
    List<String> hashes = new ArrayList<>();
    for (String secret : List.copyOf(secrets)) {
      hashes.add(Secrets.sha256(secret));
    }
    hashes.addAll(
        jdbc()
            .sql("SELECT password_hash FROM mail_user WHERE password_hash IS NOT NULL")
            .query(String.class)
            .list());
    hashes.addAll(jdbc().sql("SELECT secret_hash FROM api_credential").query(String.class).list());
    hashes.addAll(jdbc().sql("SELECT token_hash FROM account_token").query(String.class).list());
    hashes.addAll(
        jdbc()
            .sql("SELECT password_hash FROM sftp_login WHERE password_hash IS NOT NULL")
            .query(String.class)
            .list());
    hashes.addAll(
        jdbc().sql("SELECT link_encrypted FROM notification_outbox").query(String.class).list());
    Pattern hexDigest = Pattern.compile("[0-9a-fA-F]{64}");

    List<Map<String, Object>> rows = jdbc().sql("SELECT * FROM audit_event").query().listOfRows();

    assertThat(rows).isNotEmpty();
    for (Map<String, Object> row : rows) {
      for (Object value : row.values()) {
        String text = String.valueOf(value);
        for (String secret : secrets) {
          assertThat(text).as("audit row %s", row).doesNotContain(secret);
        }
        for (String hash : hashes) {
          assertThat(text).as("audit row %s", row).doesNotContain(hash);
        }
        assertThat(text).as("audit row %s", row).doesNotContain("$argon2");
        assertThat(hexDigest.matcher(text).find()).as("digest in audit row %s", row).isFalse();
      }
    }
  }
}
