package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Selections by flag and group in GET, HEAD, DELETE and the bulk flag switches. */
interface SelectionContract extends LifeboatFixture {

  /**
   * Creates five users: {@code emea1}, {@code emea2} in group emea, {@code apac1} in apac, {@code
   * both} in emea and apac, {@code none} in no group.
   */
  private static Tenant fiveUsers(LifeboatFixture fixture) {
    Tenant tenant = fixture.newTenant();
    tenant.createAll(
        List.of(
            UserBody.of(tenant.address("emea1")).groups("emea"),
            UserBody.of(tenant.address("emea2")).groups("EMEA"),
            UserBody.of(tenant.address("apac1")).groups("apac"),
            UserBody.of(tenant.address("both")).groups("emea", "apac"),
            UserBody.of(tenant.address("none"))));
    return tenant;
  }

  private static List<String> listed(Tenant tenant, String query) {
    return CustomerApiContract.addresses(tenant.api().get(tenant.path(query)).expect(200));
  }

  private static List<String> addresses(Tenant tenant, String... localParts) {
    List<String> addresses = new ArrayList<>();
    for (String local : localParts) {
      addresses.add(tenant.address(local));
    }
    return addresses;
  }

  @Test
  default void flagFiltersSelectMatchingUsers() {
    Tenant tenant = fiveUsers(this);
    tenant.api().put(tenant.userPath(tenant.address("emea1")) + "/failover").expect(200);
    tenant.api().put(tenant.userPath(tenant.address("emea1")) + "/access").expect(200);
    tenant.api().put(tenant.userPath(tenant.address("apac1")) + "/access").expect(200);

    assertThat(listed(tenant, "?failover=true"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea1"));
    assertThat(listed(tenant, "?access=true"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea1", "apac1"));
    assertThat(listed(tenant, "?access=true&failover=false"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "apac1"));
    assertThat(listed(tenant, "?access=false"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea2", "both", "none"));
    assertThat(listed(tenant, "?activation=false")).hasSize(5);
    assertThat(listed(tenant, "?activation=true")).isEmpty();
    assertThat(listed(tenant, "?failover=1&access=1"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea1"));
  }

  @Test
  default void groupFilterAcceptsBothForms() {
    Tenant tenant = fiveUsers(this);
    List<String> emeaOrApac = addresses(tenant, "emea1", "emea2", "apac1", "both");

    assertThat(listed(tenant, "?group=emea&group=apac"))
        .containsExactlyInAnyOrderElementsOf(emeaOrApac);
    assertThat(listed(tenant, "?group=emea,apac")).containsExactlyInAnyOrderElementsOf(emeaOrApac);
    assertThat(listed(tenant, "?group=emea"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea1", "emea2", "both"));
    assertThat(listed(tenant, "?group=APAC"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "apac1", "both"));
    assertThat(listed(tenant, "?group=amer")).isEmpty();
    assertThat(tenant.count("?group=emea&group=apac")).isEqualTo(4);
    assertThat(tenant.count("?group=emea,apac")).isEqualTo(4);
    assertThat(tenant.count("?group=apac&failover=false")).isEqualTo(2);
  }

  @Test
  default void groupsAndFlagsCombine() {
    Tenant tenant = fiveUsers(this);
    tenant.api().put(tenant.path("/failover?group=apac")).expect(200);

    assertThat(listed(tenant, "?group=emea&failover=true"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "both"));
    assertThat(tenant.count("?group=emea&failover=false")).isEqualTo(2);
  }

  @Test
  default void headCountsTheSelection() {
    Tenant tenant = fiveUsers(this);

    assertThat(tenant.count("")).isEqualTo(5);
    assertThat(tenant.count("?group=emea")).isEqualTo(3);
    assertThat(tenant.count("?failover=true")).isZero();
  }

  @Test
  default void invalidFilterValueIsRejected() {
    Tenant tenant = fiveUsers(this);

    ApiResponse rejected = tenant.api().get(tenant.path("?failover=maybe"));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("failover");
    tenant.api().head(tenant.path("?access=yes")).expect(400);
  }

  @Test
  default void invalidGroupInSelectionIsRejected() {
    Tenant tenant = fiveUsers(this);

    ApiResponse rejected = tenant.api().get(tenant.path("?group=bad%20group"));
    ApiResponse empty = tenant.api().put(tenant.path("/failover?group=emea,,apac"));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("group");
    assertError(empty, 400);
    assertThat(tenant.count("?failover=true")).isZero();
  }

  @Test
  default void selectionAcceptsUpTo16Groups() {
    Tenant tenant = fiveUsers(this);
    List<String> sixteen = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      sixteen.add("g" + i);
    }
    sixteen.add("emea");
    String seventeen = String.join(",", sixteen) + ",apac";

    assertThat(tenant.count("?group=" + String.join(",", sixteen))).isEqualTo(3);
    ApiResponse rejected = tenant.api().put(tenant.path("/failover?group=" + seventeen));

    assertError(rejected, 400);
    assertThat(rejected.errorFields()).containsExactly("group");
    assertThat(tenant.count("?failover=true")).isZero();
  }

  @Test
  default void flagSwitchChangesOnlyTheSelectedGroups() {
    Tenant tenant = fiveUsers(this);

    ApiResponse set = tenant.api().put(tenant.path("/failover?group=emea")).expect(200);

    assertThat(set.json().path("affectedUsers").asInt()).isEqualTo(3);
    assertThat(listed(tenant, "?failover=true"))
        .containsExactlyInAnyOrderElementsOf(addresses(tenant, "emea1", "emea2", "both"));
  }

  @Test
  default void flagSwitchWithoutGroupChangesEveryUser() {
    Tenant tenant = fiveUsers(this);

    ApiResponse set = tenant.api().put(tenant.path("/failover")).expect(200);
    ApiResponse cleared = tenant.api().delete(tenant.path("/failover?group=apac")).expect(200);

    assertThat(set.json().path("affectedUsers").asInt()).isEqualTo(5);
    assertThat(cleared.json().path("affectedUsers").asInt()).isEqualTo(2);
    assertThat(tenant.count("?failover=true")).isEqualTo(3);
  }

  @Test
  default void flagSwitchesAreIdempotent() {
    Tenant tenant = fiveUsers(this);

    int first = affected(tenant.api().put(tenant.path("/access?group=emea")));
    int again = affected(tenant.api().put(tenant.path("/access?group=emea")));
    int wider = affected(tenant.api().put(tenant.path("/access?group=emea,apac")));
    int cleared = affected(tenant.api().delete(tenant.path("/access")));
    int clearedAgain = affected(tenant.api().delete(tenant.path("/access")));

    assertThat(first).isEqualTo(3);
    assertThat(again).isZero();
    assertThat(wider).isEqualTo(1);
    assertThat(cleared).isEqualTo(4);
    assertThat(clearedAgain).isZero();
  }

  @Test
  default void singleUserFlagSwitchIsIdempotent() {
    Tenant tenant = fiveUsers(this);
    String address = tenant.address("none");

    tenant.api().put(tenant.userPath(address) + "/failover").expect(200);
    tenant.api().put(tenant.userPath(address) + "/failover").expect(200);
    tenant.api().delete(tenant.userPath(address) + "/failover").expect(200);
    tenant.api().delete(tenant.userPath(address) + "/failover").expect(200);

    long audited =
        jdbc()
            .sql(
                "SELECT COUNT(*) FROM audit_event WHERE customer_id = :c AND user_email = :u"
                    + " AND field = 'failover'")
            .param("c", tenant.id())
            .param("u", address)
            .query(Long.class)
            .single();
    assertThat(audited).as("one audit row per actual change").isEqualTo(2);
  }

  /**
   * A flag switch selects users by group only. A flag filter such as {@code ?access=true} is
   * rejected rather than ignored, because ignoring it would switch every user of the customer.
   */
  @Test
  default void flagSwitchRejectsFlagFilters() {
    Tenant tenant = fiveUsers(this);

    ApiResponse set = tenant.api().put(tenant.path("/failover?access=true"));
    ApiResponse cleared = tenant.api().delete(tenant.path("/access?group=emea&failover=false"));

    assertError(set, 400);
    assertThat(set.errorFields()).containsExactly("access");
    assertError(cleared, 400);
    assertThat(cleared.errorFields()).containsExactly("failover");
    assertThat(tenant.count("?failover=true")).isZero();
  }

  private static int affected(ApiResponse response) {
    return response.expect(200).json().path("affectedUsers").asInt();
  }
}
