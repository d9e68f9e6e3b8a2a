package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.directory.DirectoryService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The password policy, rule by rule, and what setting a password stores. */
interface PasswordContract extends LifeboatFixture {

  private String storedHash(String address) {
    return jdbc()
        .sql("SELECT password_hash FROM mail_user WHERE email = :email")
        .param("email", address)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  @Test
  default void eachBrokenRuleIsNamedAlone() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    String token = tenant.issueToken(address).text("token");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("Aa1!aaa", "password must be at least 8 characters long");
    cases.put("Aa1!" + "a".repeat(253), "password must be at most 256 characters long");
    cases.put("Aa1!aaaa#", "password may contain only letters a-z and A-Z, digits and @$!%*?&");
    cases.put("Aa1!aaaa ", "password may contain only letters a-z and A-Z, digits and @$!%*?&");
    cases.put("Aa1!aaaé", "password may contain only letters a-z and A-Z, digits and @$!%*?&");
    cases.put("aa1!aaaa", "password must contain an upper-case letter");
    cases.put("AA1!AAAA", "password must contain a lower-case letter");
    cases.put("Aaa!aaaa", "password must contain a digit");
    cases.put("Aa1aaaaa", "password must contain one of @$!%*?&");

    for (Map.Entry<String, String> rule : cases.entrySet()) {
      ApiResponse rejected = tenant.setPassword(address, token, rule.getKey());
      assertError(rejected, 400);
      assertThat(rejected.errorFields()).as(rule.getValue()).containsExactly("password");
      assertThat(rejected.errorMessages()).as(rule.getKey()).containsExactly(rule.getValue());
      assertThat(rejected.body()).as("the password is never echoed").doesNotContain(rule.getKey());
    }

    assertThat(storedHash(address)).isNull();
    tenant.setPassword(address, token, "Aa1!aaaa").expect(200);
  }

  @Test
  default void everyBrokenRuleIsListed() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    String token = tenant.issueToken(address).text("token");

    ApiResponse rejected = tenant.setPassword(address, token, "abc");

    assertError(rejected, 400);
    assertThat(rejected.errorMessages())
        .containsExactlyInAnyOrder(
            "password must be at least 8 characters long",
            "password must contain an upper-case letter",
            "password must contain a digit",
            "password must contain one of @$!%*?&");
  }

  @Test
  default void missingPasswordIsRejected() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    String token = tenant.issueToken(address).text("token");

    ApiResponse rejected = tenant.setPassword(address, token, null);

    assertError(rejected, 400);
    assertThat(rejected.errorMessages()).containsExactly("password is required");
  }

  @Test
  default void passwordsOf8And256CharactersAreAccepted() {
    Tenant tenant = newTenant();
    tenant.createAll(
        List.of(UserBody.of(tenant.address("short")), UserBody.of(tenant.address("long"))));
    String shortest = "Aa1@bcde";
    String longest = "Aa1@$!%*?&" + "x".repeat(246);
    assertThat(longest).hasSize(256);

    tenant
        .setPassword(
            tenant.address("short"),
            tenant.issueToken(tenant.address("short")).text("token"),
            shortest)
        .expect(200);
    tenant
        .setPassword(
            tenant.address("long"),
            tenant.issueToken(tenant.address("long")).text("token"),
            longest)
        .expect(200);

    assertThat(bean(PasswordHasher.class).matches(shortest, storedHash(tenant.address("short"))))
        .isTrue();
    assertThat(bean(PasswordHasher.class).matches(longest, storedHash(tenant.address("long"))))
        .isTrue();
  }

  @Test
  default void passwordIsStoredAsArgon2id() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    tenant.api().put(tenant.userPath(address) + "/access").expect(200);
    String token = tenant.issueToken(address).text("token");
    String password = "Correct7horse!";

    ApiResponse set = tenant.setPassword(address, token, password);

    assertEnvelope(set.expect(200));
    String hash = storedHash(address);
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hash).doesNotContain(password);
    assertThat(bean(PasswordHasher.class).matches(password, hash)).isTrue();
    assertThat(bean(PasswordHasher.class).matches("Wrong7horse!", hash)).isFalse();
    assertThat(tenant.getUser(address).json().path("user").path("activation").asBoolean()).isTrue();
    assertThat(bean(DirectoryService.class).get(tenant.id(), address).canLogIn()).isTrue();
  }

  @Test
  default void resetReplacesThePassword() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    tenant.setPassword(address, tenant.issueToken(address).text("token"), "First1!pw").expect(200);
    String firstHash = storedHash(address);

    tenant.setPassword(address, tenant.issueToken(address).text("token"), "Second2!pw").expect(200);

    String secondHash = storedHash(address);
    assertThat(secondHash).isNotEqualTo(firstHash);
    assertThat(bean(PasswordHasher.class).matches("Second2!pw", secondHash)).isTrue();
    assertThat(bean(PasswordHasher.class).matches("First1!pw", secondHash)).isFalse();
  }

  @Test
  default void loginNeedsBothActivationAndAccess() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");
    tenant.create(UserBody.of(address));
    DirectoryService directory = bean(DirectoryService.class);

    boolean neither = directory.get(tenant.id(), address).canLogIn();
    tenant.api().put(tenant.userPath(address) + "/access").expect(200);
    boolean accessOnly = directory.get(tenant.id(), address).canLogIn();
    tenant.api().delete(tenant.userPath(address) + "/access").expect(200);
    tenant.setPassword(address, tenant.issueToken(address).text("token"), "Secret1!x").expect(200);
    boolean activationOnly = directory.get(tenant.id(), address).canLogIn();
    tenant.api().put(tenant.userPath(address) + "/access").expect(200);
    boolean both = directory.get(tenant.id(), address).canLogIn();

    assertThat(neither).isFalse();
    assertThat(accessOnly).isFalse();
    assertThat(activationOnly).isFalse();
    assertThat(both).isTrue();
  }

  @Test
  default void passwordRequestWithoutBodyIsRejected() {
    Tenant tenant = newTenant();
    String address = tenant.address("jane");

    ApiResponse rejected =
        tenant
            .api()
            .anonymous()
            .send("PUT", Tenant.BASE + address + "/password", "application/json", null);

    assertError(rejected, 400);
  }
}
