package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Concurrent bulk flag switches on a customer with the largest bulk of users. */
interface ConcurrencyContract extends LifeboatFixture {

  int USERS = 10_000;
  int GROUPS = 8;

  /** One bulk flag switch: PUT sets the flag, DELETE clears it, for the listed groups. */
  record Switch(String method, String flag, String groups) {
    boolean value() {
      return method.equals("PUT");
    }
  }

  /** One audit row of a flag change. */
  record FlagChange(
      String requestId, String user, String field, String oldValue, String newValue) {}

  private static int groupOf(int index) {
    return index % GROUPS;
  }

  /**
   * Runs eight switches at once on 10,000 users in groups g0 to g7, with failover already set in g4
   * to g7. Pairs of switches overlap in the same direction, so their sums are fixed. The failover
   * pair on g3 goes in opposite directions, so only its per-user history can be checked.
   */
  @Test
  default void concurrentSwitchesAuditEachChangeOnce() throws Exception {
    Tenant tenant = newTenant();
    List<UserBody> users = new ArrayList<>(USERS);
    for (int i = 0; i < USERS; i++) {
      users.add(UserBody.of(tenant.address("u" + i)).groups("g" + groupOf(i)));
    }
    ApiResponse created = tenant.createAll(users);
    assertThat(created.json().path("created").asInt()).isEqualTo(USERS);
    ApiResponse initial = tenant.api().put(tenant.path("/failover?group=g4,g5,g6,g7")).expect(200);
    assertThat(initial.json().path("affectedUsers").asInt()).isEqualTo(USERS / 2);
    List<Switch> switches =
        List.of(
            new Switch("PUT", "failover", "g0,g1"),
            new Switch("PUT", "failover", "g1,g2"),
            new Switch("DELETE", "failover", "g4,g5"),
            new Switch("DELETE", "failover", "g5,g6"),
            new Switch("PUT", "access", "g0,g2,g4,g6"),
            new Switch("PUT", "access", "g2,g3"),
            new Switch("PUT", "failover", "g3"),
            new Switch("DELETE", "failover", "g3,g7"));

    List<ApiResponse> responses = runTogether(tenant, switches);

    int[] affected = new int[switches.size()];
    List<String> requestIds = new ArrayList<>();
    for (int i = 0; i < switches.size(); i++) {
      affected[i] = responses.get(i).expect(200).json().path("affectedUsers").asInt();
      requestIds.add(responses.get(i).text("id"));
    }
    int perGroup = USERS / GROUPS;
    assertThat(affected[0] + affected[1]).as("failover set in g0, g1, g2").isEqualTo(3 * perGroup);
    assertThat(affected[2] + affected[3])
        .as("failover cleared in g4, g5, g6")
        .isEqualTo(3 * perGroup);
    assertThat(affected[4] + affected[5])
        .as("access set in g0, g2, g3, g4, g6")
        .isEqualTo(5 * perGroup);
    assertThat(affected[6]).as("failover set in g3").isBetween(0, perGroup);
    assertThat(affected[7]).as("failover cleared in g7 and g3").isBetween(perGroup, 2 * perGroup);

    List<FlagChange> changes = auditedChanges(tenant, requestIds);
    assertThat(changes).hasSize(sum(affected));
    for (int i = 0; i < switches.size(); i++) {
      assertAuditOfSwitch(switches.get(i), requestIds.get(i), affected[i], changes);
    }
    assertHistoriesMatchFinalState(tenant, changes);
  }

  private static List<ApiResponse> runTogether(Tenant tenant, List<Switch> switches)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(switches.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<ApiResponse>> futures = new ArrayList<>();
      for (Switch change : switches) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  String path = tenant.path("/" + change.flag() + "?group=" + change.groups());
                  return tenant.api().send(change.method(), path, null, null);
                }));
      }
      start.countDown();
      List<ApiResponse> responses = new ArrayList<>();
      for (Future<ApiResponse> future : futures) {
        responses.add(future.get(5, TimeUnit.MINUTES));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private List<FlagChange> auditedChanges(Tenant tenant, List<String> requestIds) {
    return jdbc()
        .sql(
            """
            SELECT request_id, user_email, field, old_value, new_value FROM audit_event
             WHERE customer_id = :customer AND request_id IN (:ids) ORDER BY id
            """)
        .param("customer", tenant.id())
        .param("ids", requestIds)
        .query(
            (rs, n) ->
                new FlagChange(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5)))
        .list();
  }

  /** Checks that a switch wrote one row per changed user, in its direction, in its groups. */
  private static void assertAuditOfSwitch(
      Switch change, String requestId, int affected, List<FlagChange> changes) {
    List<FlagChange> own = changes.stream().filter(c -> c.requestId().equals(requestId)).toList();
    assertThat(own).as("audit rows of %s", change).hasSize(affected);
    assertThat(own.stream().map(FlagChange::user).distinct().count())
        .as("one row per user for %s", change)
        .isEqualTo(affected);
    List<String> groups = List.of(change.groups().split(","));
    for (FlagChange row : own) {
      assertThat(row.field()).isEqualTo(change.flag());
      assertThat(row.oldValue()).isEqualTo(Boolean.toString(!change.value()));
      assertThat(row.newValue()).isEqualTo(Boolean.toString(change.value()));
      int index = Integer.parseInt(row.user().substring(1, row.user().indexOf('@')));
      assertThat(groups).as("group of %s in %s", row.user(), change).contains("g" + groupOf(index));
    }
  }

  /**
   * Replays each user's audited changes from the state before the switches: every row must start
   * from the value the previous one left, and the last must be the value the API shows now.
   */
  private static void assertHistoriesMatchFinalState(Tenant tenant, List<FlagChange> changes) {
    Map<String, JsonNode> finalState =
        CustomerApiContract.usersByAddress(tenant.api().get(tenant.path("")).expect(200));
    assertThat(finalState).hasSize(USERS);
    Map<String, Boolean> failover = new HashMap<>();
    Map<String, Boolean> access = new HashMap<>();
    for (int i = 0; i < USERS; i++) {
      failover.put(tenant.address("u" + i), groupOf(i) >= 4);
      access.put(tenant.address("u" + i), false);
    }
    for (FlagChange change : changes) {
      Map<String, Boolean> state = change.field().equals("failover") ? failover : access;
      assertThat(Boolean.toString(state.get(change.user())))
          .as("value before %s", change)
          .isEqualTo(change.oldValue());
      state.put(change.user(), Boolean.parseBoolean(change.newValue()));
    }
    for (int i = 0; i < USERS; i++) {
      String address = tenant.address("u" + i);
      JsonNode user = finalState.get(address);
      assertThat(user.path("failover").asBoolean())
          .as("failover of %s", address)
          .isEqualTo(failover.get(address));
      assertThat(user.path("access").asBoolean())
          .as("access of %s", address)
          .isEqualTo(access.get(address));
      int group = groupOf(i);
      if (group != 3) {
        assertThat(failover.get(address)).as("failover of %s", address).isEqualTo(group <= 2);
      }
      assertThat(access.get(address))
          .as("access of %s", address)
          .isEqualTo(List.of(0, 2, 3, 4, 6).contains(group));
    }
  }

  private static int sum(int[] values) {
    int total = 0;
    for (int value : values) {
      total += value;
    }
    return total;
  }
}
