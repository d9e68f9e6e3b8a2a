package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.PurgeJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Deleting users, restoring them within the grace period, and the purge after it. */
interface DeletionContract extends LifeboatFixture {

  /** Creates a user in groups emea and finance with a password, access and failover. */
  private static UserBody activeUser(Tenant tenant, String local) {
    String address = tenant.address(local);
    UserBody body = UserBody.of(address).groups("emea", "finance").set("department", "Legal");
    tenant.create(body);
    tenant.setPassword(address, tenant.issueToken(address).text("token"), "Secret1!x").expect(200);
    tenant.api().put(tenant.userPath(address) + "/access").expect(200);
    tenant.api().put(tenant.userPath(address) + "/failover").expect(200);
    return body;
  }

  private JsonNode auditEntries(Tenant tenant) {
    return operator()
        .get(OPERATOR_API + "/customers/" + tenant.id() + "/audit?size=1000")
        .expect(200)
        .json()
        .path("entries");
  }

  @Test
  default void deletedUserLeavesSelections() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "leaver").address();
    tenant.create(UserBody.of(tenant.address("stayer")).groups("emea"));
    DirectoryService directory = bean(DirectoryService.class);
    boolean couldLogIn = directory.get(tenant.id(), address).canLogIn();

    ApiResponse deleted = tenant.api().delete(tenant.userPath(address)).expect(200);

    assertThat(couldLogIn).isTrue();
    assertThat(assertEnvelope(deleted).propertyNames())
        .containsExactlyInAnyOrder("id", "timestamp");
    assertThat(directory.get(tenant.id(), address).canLogIn()).isFalse();
    assertThat(CustomerApiContract.addresses(tenant.api().get(tenant.path("")).expect(200)))
        .containsExactly(tenant.address("stayer"));
    assertThat(tenant.count("")).isEqualTo(1);
    assertThat(tenant.count("?group=finance")).isZero();
    assertThat(tenant.count("?failover=true")).isZero();
    assertThat(tenant.count("?activation=true")).isZero();
  }

  @Test
  default void deletedUserShowsDeactivationAndPurgeDate() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "leaver").address();

    tenant.api().delete(tenant.userPath(address)).expect(200);

    JsonNode user = tenant.getUser(address).json().path("user");
    Instant deactivated = Instant.parse(user.path("deactivated").asString());
    Instant due = Instant.parse(user.path("deletionDue").asString());
    assertThat(Duration.between(deactivated, due)).isEqualTo(Duration.ofDays(7));
    assertThat(Duration.between(clock().instant(), deactivated).abs())
        .isLessThan(Duration.ofMinutes(1));
  }

  @Test
  default void deletedUserCannotBeSwitched() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "leaver").address();
    tenant.api().delete(tenant.userPath(address)).expect(200);

    ApiResponse single = tenant.api().delete(tenant.userPath(address) + "/failover");
    ApiResponse bulk = tenant.api().delete(tenant.path("/failover")).expect(200);

    assertError(single, 409);
    assertThat(bulk.json().path("affectedUsers").asInt()).isZero();
  }

  @Test
  default void deletingTwiceKeepsThePurgeDate() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "leaver").address();
    tenant.api().delete(tenant.userPath(address)).expect(200);
    String due = tenant.getUser(address).json().path("user").path("deletionDue").asString();

    clock().advance(Duration.ofDays(1));
    tenant.api().delete(tenant.userPath(address)).expect(200);

    assertThat(tenant.getUser(address).json().path("user").path("deletionDue").asString())
        .isEqualTo(due);
  }

  @Test
  default void deletingUnknownUserAnswers404() {
    Tenant tenant = newTenant();

    assertError(tenant.api().delete(tenant.userPath(tenant.address("ghost"))), 404);
  }

  @Test
  default void putRestoresDeletedUser() {
    Tenant tenant = newTenant();
    UserBody body = activeUser(tenant, "returner");
    String address = body.address();
    tenant.api().delete(tenant.userPath(address)).expect(200);

    ApiResponse restored = tenant.api().put(tenant.userPath(address), body);

    restored.expect(200);
    assertThat(restored.json().has("token")).as("a restore issues no token").isFalse();
    JsonNode user = tenant.getUser(address).json().path("user");
    assertThat(user.has("deactivated")).isFalse();
    assertThat(user.has("deletionDue")).isFalse();
    assertThat(user.path("activation").asBoolean()).isTrue();
    assertThat(user.path("access").asBoolean()).isTrue();
    assertThat(user.path("failover").asBoolean()).isTrue();
    assertThat(user.path("department").asString()).isEqualTo("Legal");
    assertThat(CustomerApiContract.strings(user.path("failoverGroups")))
        .containsExactlyInAnyOrder("emea", "finance");
    assertThat(bean(DirectoryService.class).get(tenant.id(), address).canLogIn()).isTrue();
    assertThat(tenant.count("?group=finance&failover=true")).isEqualTo(1);
  }

  @Test
  default void bulkPutRestoresBulkDeletedUsers() {
    Tenant tenant = newTenant();
    List<UserBody> users =
        List.of(
            UserBody.of(tenant.address("a")).groups("team"),
            UserBody.of(tenant.address("b")).groups("team"));
    tenant.createAll(users);
    tenant.api().put(tenant.path("/access?group=team")).expect(200);
    tenant.api().delete(tenant.path("?group=team")).expect(200);

    ApiResponse restored = tenant.createAll(users);

    assertThat(restored.json().path("updated").asInt()).isEqualTo(2);
    assertThat(restored.json().path("created").asInt()).isZero();
    assertThat(tenant.count("?group=team&access=true")).isEqualTo(2);
  }

  @Test
  default void purgeRemovesUserAfterGrace() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "purged").address();
    tenant.api().delete(tenant.userPath(address)).expect(200);

    clock().advance(Duration.ofDays(7).plusMinutes(1));
    bean(PurgeJob.class).purgeDue();

    assertError(tenant.api().get(tenant.userPath(address)), 404);
    assertThat(
            jdbc()
                .sql("SELECT COUNT(*) FROM mail_user WHERE email = :e")
                .param("e", address)
                .query(Long.class)
                .single())
        .isZero();
    JsonNode purge = null;
    for (JsonNode entry : auditEntries(tenant)) {
      if (entry.path("action").asString().equals("user.purged")) {
        purge = entry;
      }
    }
    assertThat(purge).as("user.purged audit entry").isNotNull();
    assertThat(purge.path("user").asString()).isEqualTo(address);
    assertThat(purge.path("actor").asString()).isEqualTo("system");
    assertThat(purge.path("requestId").asString()).startsWith("purge-");
    ApiResponse recreated = tenant.create(UserBody.of(address));
    assertThat(recreated.text("url")).contains("/activation?token=");
    assertThat(tenant.getUser(address).json().path("user").path("failover").asBoolean()).isFalse();
  }

  @Test
  default void purgeKeepsUserWithinGrace() {
    Tenant tenant = newTenant();
    String address = activeUser(tenant, "waiting").address();
    tenant.api().delete(tenant.userPath(address)).expect(200);

    clock().advance(Duration.ofDays(7).minusMinutes(5));
    bean(PurgeJob.class).purgeDue();

    assertThat(tenant.getUser(address).json().path("user").has("deletionDue")).isTrue();
  }

  @Test
  default void restoredUserIsNotPurged() {
    Tenant tenant = newTenant();
    UserBody body = activeUser(tenant, "returner");
    tenant.api().delete(tenant.userPath(body.address())).expect(200);
    tenant.api().put(tenant.userPath(body.address()), body).expect(200);

    clock().advance(Duration.ofDays(8));
    bean(PurgeJob.class).purgeDue();

    assertThat(tenant.getUser(body.address()).json().path("user").path("access").asBoolean())
        .isTrue();
  }

  @Test
  default void restoreDuringPurgeWaitsAndCreatesNewUser() throws Exception {
    Tenant tenant = newTenant();
    UserBody body = activeUser(tenant, "racer");
    tenant.api().delete(tenant.userPath(body.address())).expect(200);
    clock().advance(Duration.ofDays(8));
    PausingPurger pausing = bean(PausingPurger.class);
    pausing.arm(body.address());
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> purge = threads.submit(() -> bean(PurgeJob.class).purgeDue());
      assertThat(pausing.awaitEntered()).as("purge reached the mailbox purger").isTrue();

      Future<ApiResponse> restore =
          threads.submit(() -> tenant.api().put(tenant.userPath(body.address()), body));
      Thread.sleep(500);
      assertThat(restore.isDone()).as("restore waits for the purge").isFalse();
      pausing.release();

      assertThat(purge.get(30, TimeUnit.SECONDS)).isEqualTo(1);
      ApiResponse recreated = restore.get(30, TimeUnit.SECONDS);
      recreated.expect(201);
      assertThat(recreated.text("url")).contains("/activation?token=");
    } finally {
      pausing.release();
      threads.shutdownNow();
    }
    JsonNode user = tenant.getUser(body.address()).json().path("user");
    assertThat(user.has("deletionDue")).isFalse();
    assertThat(user.path("access").asBoolean()).isFalse();
  }
}
