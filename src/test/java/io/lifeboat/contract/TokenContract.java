package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.crypto.MasterKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Activation and password-reset tokens: form, links, expiry, single use and notifications. */
interface TokenContract extends LifeboatFixture {

  String INVALID_TOKEN = "invalid or expired token";
  String PASSWORD = "Secret1!x";

  private static Tenant withUser(LifeboatFixture fixture, String local) {
    Tenant tenant = fixture.newTenant();
    tenant.create(UserBody.of(tenant.address(local)));
    return tenant;
  }

  /** Checks the one response that every unusable token gets. */
  private static void assertInvalidToken(ApiResponse response) {
    JsonNode body = assertError(response, 404);
    assertThat(body.path("message").asString()).isEqualTo(INVALID_TOKEN);
    assertThat(body.propertyNames())
        .containsExactlyInAnyOrder("id", "timestamp", "status", "message");
  }

  private long outboxRows(String address) {
    return jdbc()
        .sql(
            "SELECT COUNT(*) FROM notification_outbox o JOIN mail_user u ON u.id = o.user_id"
                + " WHERE u.email = :email")
        .param("email", address)
        .query(Long.class)
        .single();
  }

  @Test
  default void tokenHasFormatAndActivationUrl() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String base = bean(LifeboatProperties.class).publicBaseUrl();

    ApiResponse issued = tenant.issueToken(address);

    JsonNode body = assertEnvelope(issued);
    String token = body.path("token").asString();
    assertThat(token).matches("[a-z0-9]{32}");
    assertThat(body.path("url").asString()).isEqualTo(base + "/activation?token=" + token);
    Instant expiry = Instant.parse(body.path("expiryTimestamp").asString());
    assertThat(Duration.between(clock().instant().plus(Duration.ofDays(7)), expiry).abs())
        .isLessThan(Duration.ofMinutes(1));
    assertThat(body.path("expiryTimestamp").asString()).matches(Envelopes.TIMESTAMP);
    assertThat(body.has("warning")).isFalse();
  }

  @Test
  default void tokensAreRandom() {
    Tenant tenant = withUser(this, "jane");

    String first = tenant.issueToken(tenant.address("jane")).text("token");
    String second = tenant.issueToken(tenant.address("jane")).text("token");

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  default void tokenIsStoredOnlyAsHash() {
    Tenant tenant = withUser(this, "jane");

    String token = tenant.issueToken(tenant.address("jane")).text("token");

    List<String> stored =
        jdbc().sql("SELECT token_hash FROM account_token").query(String.class).list();
    assertThat(stored).doesNotContain(token);
    assertThat(stored).contains(io.lifeboat.account.Secrets.sha256(token));
  }

  @Test
  default void urlPointsToPasswordResetAfterActivation() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String activation = tenant.issueToken(address).text("token");
    tenant.setPassword(address, activation, PASSWORD).expect(200);

    ApiResponse reset = tenant.issueToken(address);

    assertThat(reset.text("url")).endsWith("/password-reset?token=" + reset.text("token"));
  }

  @Test
  default void customerPublicBaseUrlIsUsed() {
    Tenant tenant =
        newTenant(settings -> settings.put("publicBaseUrl", "https://mail.customer.test/"));
    String address = tenant.address("jane");

    ApiResponse created = tenant.create(UserBody.of(address));
    ApiResponse issued = tenant.issueToken(address);

    assertThat(created.text("url"))
        .isEqualTo("https://mail.customer.test/activation?token=" + created.text("token"));
    assertThat(issued.text("url"))
        .isEqualTo("https://mail.customer.test/activation?token=" + issued.text("token"));
  }

  @Test
  default void customerTokenLifetimeSetsExpiry() {
    Tenant tenant = newTenant(settings -> settings.put("tokenLifetimeDays", 2));
    tenant.create(UserBody.of(tenant.address("jane")));

    ApiResponse issued = tenant.issueToken(tenant.address("jane"));

    Instant expiry = Instant.parse(issued.text("expiryTimestamp"));
    assertThat(Duration.between(clock().instant().plus(Duration.ofDays(2)), expiry).abs())
        .isLessThan(Duration.ofMinutes(1));
  }

  @Test
  default void tokenWorksUntilItExpires() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(UserBody.of(tenant.address("early")), UserBody.of(tenant.address("late"))));
    String early = tenant.issueToken(tenant.address("early")).text("token");
    String late = tenant.issueToken(tenant.address("late")).text("token");

    clock().advance(Duration.ofDays(7).minusMinutes(2));
    ApiResponse beforeExpiry = tenant.setPassword(tenant.address("early"), early, PASSWORD);
    clock().advance(Duration.ofMinutes(3));
    ApiResponse afterExpiry = tenant.setPassword(tenant.address("late"), late, PASSWORD);

    beforeExpiry.expect(200);
    assertInvalidToken(afterExpiry);
    assertThat(
            tenant
                .getUser(tenant.address("late"))
                .json()
                .path("user")
                .path("activation")
                .asBoolean())
        .isFalse();
  }

  @Test
  default void tokenWorksOnlyOnce() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String token = tenant.issueToken(address).text("token");

    tenant.setPassword(address, token, PASSWORD).expect(200);
    ApiResponse reused = tenant.setPassword(address, token, "Other2!pw");

    assertInvalidToken(reused);
  }

  @Test
  default void newerTokenVoidsOlderOne() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String older = tenant.issueToken(address).text("token");
    String newer = tenant.issueToken(address).text("token");

    ApiResponse withOlder = tenant.setPassword(address, older, PASSWORD);
    ApiResponse withNewer = tenant.setPassword(address, newer, PASSWORD);

    assertInvalidToken(withOlder);
    withNewer.expect(200);
  }

  @Test
  default void tokenOfAnotherUserIsRejected() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(UserBody.of(tenant.address("owner")), UserBody.of(tenant.address("thief"))));
    String token = tenant.issueToken(tenant.address("owner")).text("token");

    ApiResponse stolen = tenant.setPassword(tenant.address("thief"), token, PASSWORD);

    assertInvalidToken(stolen);
    assertThat(
            tenant
                .getUser(tenant.address("thief"))
                .json()
                .path("user")
                .path("activation")
                .asBoolean())
        .isFalse();
    tenant.setPassword(tenant.address("owner"), token, PASSWORD).expect(200);
  }

  @Test
  default void tokenOfDeletedUserIsRejected() {
    Tenant tenant = withUser(this, "leaver");
    String address = tenant.address("leaver");
    String token = tenant.issueToken(address).text("token");
    tenant.api().delete(tenant.userPath(address)).expect(200);

    ApiResponse afterDeletion = tenant.setPassword(address, token, PASSWORD);

    assertInvalidToken(afterDeletion);
  }

  @Test
  default void tokenDiesWithDeletionAndRestore() {
    Tenant tenant = withUser(this, "returner");
    String address = tenant.address("returner");
    String single = tenant.issueToken(address).text("token");
    Tenant bulkTenant = newTenant();
    String grouped = bulkTenant.address("grouped");
    bulkTenant.create(UserBody.of(grouped).groups("leavers"));
    String bulk = bulkTenant.issueToken(grouped).text("token");

    tenant.api().delete(tenant.userPath(address)).expect(200);
    tenant.api().put(tenant.userPath(address), UserBody.of(address)).expect(200);
    bulkTenant.api().delete(bulkTenant.path("?group=leavers")).expect(200);
    bulkTenant.api().put(bulkTenant.userPath(grouped), UserBody.of(grouped)).expect(200);

    assertInvalidToken(tenant.setPassword(address, single, PASSWORD));
    assertInvalidToken(bulkTenant.setPassword(grouped, bulk, PASSWORD));
  }

  @Test
  default void unusableTokensGetSameResponse() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    tenant.issueToken(address);

    assertInvalidToken(tenant.setPassword(address, "0".repeat(32), PASSWORD));
    assertInvalidToken(tenant.setPassword(address, "short", PASSWORD));
    assertInvalidToken(tenant.setPassword(address, null, PASSWORD));
    assertInvalidToken(tenant.setPassword(tenant.address("nobody"), "0".repeat(32), PASSWORD));
    assertInvalidToken(tenant.setPassword("not-an-address", "0".repeat(32), PASSWORD));
  }

  @Test
  default void notificationQueuesEncryptedLink() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");

    ApiResponse issued =
        tenant.api().post(tenant.userPath(address) + "/token?mailNotification=true").expect(201);

    String token = issued.text("token");
    assertThat(issued.json().has("warning")).isFalse();
    Map<String, Object> row =
        jdbc()
            .sql(
                "SELECT o.* FROM notification_outbox o JOIN mail_user u ON u.id = o.user_id"
                    + " WHERE u.email = :email")
            .param("email", address)
            .query()
            .singleRow();
    String sealed = (String) row.get("link_encrypted");
    assertThat(row.get("kind")).isEqualTo("activation");
    assertThat(row.values().stream().map(String::valueOf)).noneMatch(v -> v.contains(token));
    assertThat(bean(MasterKey.class).open(sealed)).isEqualTo(issued.text("url"));
  }

  @Test
  default void mailNotificationValuesAreChecked() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");

    tenant.api().post(tenant.userPath(address) + "/token?mailNotification=false").expect(201);
    long afterFalse = outboxRows(address);
    tenant.api().post(tenant.userPath(address) + "/token?mailNotification=1").expect(201);
    ApiResponse invalid =
        tenant.api().post(tenant.userPath(address) + "/token?mailNotification=maybe");

    assertThat(afterFalse).isZero();
    assertThat(outboxRows(address)).isEqualTo(1);
    assertError(invalid, 400);
    assertThat(invalid.errorFields()).containsExactly("mailNotification");
  }

  @Test
  default void notificationDuringFailoverWarns() {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    tenant.api().put(tenant.userPath(address) + "/failover").expect(200);

    ApiResponse issued =
        tenant.api().post(tenant.userPath(address) + "/token?mailNotification=true").expect(201);

    assertThat(issued.text("warning")).contains("failover").contains(address);
    assertThat(issued.text("token")).matches("[a-z0-9]{32}");
    assertThat(outboxRows(address)).isZero();
    tenant.setPassword(address, issued.text("token"), PASSWORD).expect(200);
  }

  @Test
  default void notificationsMailEveryNewUser() {
    Tenant tenant = newTenant(settings -> settings.put("notifications", true));

    tenant.create(UserBody.of(tenant.address("single")));
    tenant.createAll(
        List.of(UserBody.of(tenant.address("bulk1")), UserBody.of(tenant.address("bulk2"))));

    assertThat(outboxRows(tenant.address("single"))).isEqualTo(1);
    assertThat(outboxRows(tenant.address("bulk1"))).isEqualTo(1);
    assertThat(outboxRows(tenant.address("bulk2"))).isEqualTo(1);
  }

  @Test
  default void noNotificationsQueueNothing() {
    Tenant tenant = newTenant();

    tenant.create(UserBody.of(tenant.address("single")));
    tenant.createAll(List.of(UserBody.of(tenant.address("bulk1"))));

    assertThat(outboxRows(tenant.address("single"))).isZero();
    assertThat(outboxRows(tenant.address("bulk1"))).isZero();
  }

  @Test
  default void concurrentTokensLeaveOnlyOneUsable() throws Exception {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    int requests = 8;

    List<String> tokens =
        LifeboatFixture.together(requests, () -> tenant.issueToken(address).text("token"));

    int usable = 0;
    for (String token : tokens) {
      ApiResponse set = tenant.setPassword(address, token, PASSWORD);
      if (set.status() == 200) {
        usable++;
      } else {
        assertInvalidToken(set);
      }
    }
    assertThat(usable).as("tokens still usable after %d concurrent issues", requests).isEqualTo(1);
  }

  @Test
  default void concurrentUseOfOneTokenSucceedsOnce() throws Exception {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String token = tenant.issueToken(address).text("token");

    List<Integer> statuses =
        LifeboatFixture.together(4, () -> tenant.setPassword(address, token, PASSWORD).status());

    assertThat(statuses).containsOnly(200, 404);
    assertThat(statuses.stream().filter(status -> status == 200).count()).isEqualTo(1);
  }

  @Test
  default void concurrentIssueAndUseDoNotDeadlock() throws Exception {
    Tenant tenant = withUser(this, "jane");
    String address = tenant.address("jane");
    String token = tenant.issueToken(address).text("token");
    AtomicInteger turn = new AtomicInteger();

    List<ApiResponse> responses =
        LifeboatFixture.together(
            8,
            () ->
                turn.getAndIncrement() % 2 == 0
                    ? tenant.api().post(tenant.userPath(address) + "/token")
                    : tenant.setPassword(address, token, PASSWORD));

    for (ApiResponse response : responses) {
      assertThat(response.status()).as("%s", response).isIn(200, 201, 404);
    }
  }

  @Test
  default void tokenForDeletedUserIsNotIssued() {
    Tenant tenant = withUser(this, "leaver");
    String address = tenant.address("leaver");
    tenant.api().delete(tenant.userPath(address)).expect(200);

    ApiResponse response = tenant.api().post(tenant.userPath(address) + "/token");

    assertError(response, 409);
  }
}
