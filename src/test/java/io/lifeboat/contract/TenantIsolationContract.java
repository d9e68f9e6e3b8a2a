package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Credentials act only on their own customer; missing and bad ones get 401. */
interface TenantIsolationContract extends LifeboatFixture {

  @Test
  default void foreignCustomerGets403LikeUnknown() {
    Tenant mine = newTenant();
    Tenant theirs = newTenant();
    String victim = theirs.address("victim");
    theirs.create(UserBody.of(victim));
    String unknownCustomer = unusedCustomerId();
    List<Function<String, ApiResponse>> requests = new ArrayList<>();
    requests.add(customer -> mine.api().get(Tenant.BASE + customer));
    requests.add(customer -> mine.api().head(Tenant.BASE + customer));
    requests.add(customer -> mine.api().get(Tenant.BASE + customer + "/" + victim));
    requests.add(
        customer -> mine.api().put(Tenant.BASE + customer + "/" + victim, UserBody.of(victim)));
    requests.add(customer -> mine.api().put(Tenant.BASE + customer + "/failover"));
    requests.add(customer -> mine.api().delete(Tenant.BASE + customer + "/access"));
    requests.add(customer -> mine.api().put(Tenant.BASE + customer + "/" + victim + "/failover"));
    requests.add(customer -> mine.api().post(Tenant.BASE + customer + "/" + victim + "/token"));
    requests.add(customer -> mine.api().delete(Tenant.BASE + customer + "/" + victim));
    requests.add(customer -> mine.api().delete(Tenant.BASE + customer));

    for (Function<String, ApiResponse> request : requests) {
      ApiResponse existing = request.apply(theirs.id());
      ApiResponse unknown = request.apply(unknownCustomer);
      assertThat(existing.status()).as("%s", existing).isEqualTo(403);
      assertThat(unknown.status()).as("%s", unknown).isEqualTo(403);
      if (!existing.method().equals("HEAD")) {
        assertError(existing, 403);
        assertThat(existing.text("message").replace(theirs.id(), "C"))
            .as("same response for an existing and an unknown customer")
            .isEqualTo(unknown.text("message").replace(unknownCustomer, "C"));
      }
    }
    assertThat(theirs.getUser(victim).json().path("user").path("failover").asBoolean()).isFalse();
    assertThat(theirs.count("")).isEqualTo(1);
  }

  @Test
  default void foreignUserIsNotFoundUnderOwnCustomer() {
    Tenant mine = newTenant();
    Tenant theirs = newTenant();
    String victim = theirs.address("victim");
    theirs.create(UserBody.of(victim));

    assertError(mine.api().get(mine.userPath(victim)), 404);
    assertError(mine.api().put(mine.userPath(victim) + "/failover"), 404);
    assertError(mine.api().post(mine.userPath(victim) + "/token"), 404);
    assertError(mine.api().delete(mine.userPath(victim)), 404);
    assertError(mine.api().put(mine.userPath(victim), UserBody.of(victim)), 400);

    JsonNode user = theirs.getUser(victim).json().path("user");
    assertThat(user.path("failover").asBoolean()).isFalse();
    assertThat(user.has("deactivated")).isFalse();
  }

  @Test
  default void missingCredentialsGet401WithBasicChallenge() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().anonymous().get(tenant.path(""));

    assertError(response, 401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
  }

  @Test
  default void wrongPasswordGets401() {
    Tenant tenant = newTenant();
    Credential wrong = new Credential(tenant.credential().username(), "not-the-password");

    ApiResponse response = http().as(wrong).get(tenant.path(""));

    assertError(response, 401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
  }

  @Test
  default void unknownUsernameGets401() {
    Tenant tenant = newTenant();

    ApiResponse response =
        http().as(new Credential("nobody", tenant.credential().password())).get(tenant.path(""));

    assertError(response, 401);
  }

  @Test
  default void revokedCredentialGets401() {
    Tenant tenant = newTenant();
    Credential second = newCredential(tenant.id());
    http().as(second).get(tenant.path("")).expect(200);

    operator()
        .delete(OPERATOR_API + "/customers/" + tenant.id() + "/credentials/" + second.username())
        .expect(200);

    assertError(http().as(second).get(tenant.path("")), 401);
    tenant.api().get(tenant.path("")).expect(200);
  }

  @Test
  default void customerCredentialCannotUseOperatorApi() {
    Tenant tenant = newTenant();

    ApiResponse response = tenant.api().get(OPERATOR_API + "/customers");

    assertError(response, 401);
  }

  @Test
  default void operatorCannotUseCustomerApi() {
    Tenant tenant = newTenant();

    ApiResponse response = operator().get(tenant.path(""));

    assertError(response, 401);
  }

  @Test
  default void passwordPathNeedsOnlyToken() {
    Tenant tenant = newTenant();
    String address = tenant.address("anonymous");
    tenant.create(UserBody.of(address));

    ApiResponse response = tenant.setPassword(address, "a".repeat(32), "Secret1!x");

    assertError(response, 404);
  }
}
