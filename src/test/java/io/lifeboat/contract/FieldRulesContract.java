package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertError;
import static io.lifeboat.contract.Envelopes.assertSingleFieldError;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every field rule of the User object, tested at its boundary. */
interface FieldRulesContract extends LifeboatFixture {

  /** Puts a user with one field set to {@code value}; returns the response. */
  private static ApiResponse putWith(Tenant tenant, String local, String field, Object value) {
    String address = tenant.address(local);
    return tenant.api().put(tenant.userPath(address), UserBody.of(address).set(field, value));
  }

  /** Checks that {@code field} accepts {@code longest} characters and rejects one more. */
  private static void assertMaxLength(Tenant tenant, String field, int longest, boolean required) {
    ApiResponse accepted = putWith(tenant, field + ".max", field, "x".repeat(longest));
    ApiResponse rejected = putWith(tenant, field + ".over", field, "x".repeat(longest + 1));

    accepted.expect(201);
    JsonNode stored = tenant.getUser(tenant.address(field + ".max")).json().path("user");
    assertThat(stored.path(field).asString()).hasSize(longest);
    String message = assertSingleFieldError(rejected, field);
    assertThat(message).contains(field).contains(Integer.toString(longest));
    tenant.api().get(tenant.userPath(tenant.address(field + ".over"))).expect(404);
    if (required) {
      assertThat(assertSingleFieldError(putWith(tenant, field + ".empty", field, ""), field))
          .contains("required");
      assertSingleFieldError(putWith(tenant, field + ".missing", field, null), field);
    }
  }

  @Test
  default void displayNameAcceptsUpTo256Characters() {
    assertMaxLength(newTenant(), "displayName", 256, true);
  }

  @Test
  default void givenNameAcceptsUpTo128Characters() {
    assertMaxLength(newTenant(), "givenName", 128, true);
  }

  @Test
  default void surNameAcceptsUpTo128Characters() {
    assertMaxLength(newTenant(), "surName", 128, true);
  }

  @Test
  default void departmentAcceptsUpTo128Characters() {
    assertMaxLength(newTenant(), "department", 128, false);
  }

  @Test
  default void costCenterAcceptsUpTo64Characters() {
    assertMaxLength(newTenant(), "costCenter", 64, false);
  }

  /**
   * H2 measures VARCHAR in UTF-16 code units and PostgreSQL in code points, so the limit counts
   * code units: an emoji counts twice, and a name too long for H2 is a 400 on both databases.
   */
  @Test
  default void displayNameLimitCountsEmojiTwice() {
    Tenant tenant = newTenant();
    String emoji = "\uD83D\uDE80";

    ApiResponse accepted = putWith(tenant, "emoji.max", "displayName", emoji.repeat(128));
    ApiResponse rejected = putWith(tenant, "emoji.over", "displayName", emoji.repeat(129));
    ApiResponse mixed = putWith(tenant, "emoji.mixed", "displayName", emoji + "x".repeat(255));

    accepted.expect(201);
    assertThat(
            tenant
                .getUser(tenant.address("emoji.max"))
                .json()
                .path("user")
                .path("displayName")
                .asString())
        .isEqualTo(emoji.repeat(128));
    assertThat(assertSingleFieldError(rejected, "displayName")).contains("256");
    assertSingleFieldError(mixed, "displayName");
  }

  @Test
  default void nameWithLineBreakIsRejected() {
    Tenant tenant = newTenant();

    String message =
        assertSingleFieldError(
            putWith(tenant, "crlf", "displayName", "Jane\r\nBcc: x"), "displayName");

    assertThat(message).contains("control characters");
  }

  @Test
  default void blankNameIsRejected() {
    Tenant tenant = newTenant();

    assertSingleFieldError(putWith(tenant, "blank", "givenName", "   "), "givenName");
  }

  @Test
  default void phoneAcceptsUpTo32Characters() {
    Tenant tenant = newTenant();
    String longest = "+49 (30) 123-456/78.9" + "0".repeat(11);
    assertThat(longest).hasSize(32);

    putWith(tenant, "phone.max", "phone", longest).expect(201);
    putWith(tenant, "mobile.max", "mobile", longest).expect(201);

    assertThat(
            assertSingleFieldError(putWith(tenant, "phone.over", "phone", longest + "1"), "phone"))
        .contains("32");
    assertSingleFieldError(putWith(tenant, "mobile.over", "mobile", longest + "1"), "mobile");
    for (String bad : List.of("030 1234 ext 5", "+44#123", "123_456", "+4930\u0661")) {
      ApiResponse rejected = putWith(tenant, "phone.bad", "phone", bad);
      assertThat(assertSingleFieldError(rejected, "phone")).as(bad).contains("+()-/.");
    }
  }

  @Test
  default void failoverGroupsAcceptUpTo16Names() {
    Tenant tenant = newTenant();
    List<String> sixteen = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      sixteen.add("group" + i);
    }
    List<String> seventeen = new ArrayList<>(sixteen);
    seventeen.add("group16");

    putWith(tenant, "groups.max", "failoverGroups", sixteen).expect(201);
    ApiResponse rejected = putWith(tenant, "groups.over", "failoverGroups", seventeen);

    assertThat(
            tenant
                .getUser(tenant.address("groups.max"))
                .json()
                .path("user")
                .path("failoverGroups")
                .size())
        .isEqualTo(16);
    assertThat(assertSingleFieldError(rejected, "failoverGroups")).contains("16");
  }

  @Test
  default void groupNameAcceptsUpTo64Characters() {
    Tenant tenant = newTenant();
    String longest = "Ab9._-" + "x".repeat(58);
    assertThat(longest).hasSize(64);

    putWith(tenant, "group.max", "failoverGroups", List.of(longest)).expect(201);

    JsonNode stored = tenant.getUser(tenant.address("group.max")).json().path("user");
    assertThat(stored.path("failoverGroups").path(0).asString()).isEqualTo(longest.toLowerCase());
    assertThat(
            assertSingleFieldError(
                putWith(tenant, "group.over", "failoverGroups", List.of(longest + "x")),
                "failoverGroups"))
        .contains("64");
    for (String bad : List.of("emea apac", "émea", "emea/apac", "emea,apac", "")) {
      ApiResponse rejected = putWith(tenant, "group.bad", "failoverGroups", List.of(bad));
      assertSingleFieldError(rejected, "failoverGroups");
    }
  }

  @Test
  default void groupNamesAreNormalized() {
    Tenant tenant = newTenant();

    putWith(tenant, "groups.case", "failoverGroups", List.of("EMEA", "emea", "Apac")).expect(201);

    JsonNode stored = tenant.getUser(tenant.address("groups.case")).json().path("user");
    assertThat(CustomerApiContract.strings(stored.path("failoverGroups")))
        .containsExactlyInAnyOrder("emea", "apac");
  }

  @Test
  default void unknownLanguageIsRejected() {
    Tenant tenant = newTenant();

    ApiResponse rejected = putWith(tenant, "lang", "language", "en_XX");

    String message = assertSingleFieldError(rejected, "language");
    assertThat(message).startsWith("language must be one of: cs_CZ, ");
    assertThat(message).contains("zh_TW");
    assertThat(rejected.json().path("errors").path(0).path("value").asString()).isEqualTo("en_XX");
    assertSingleFieldError(putWith(tenant, "lang.lower", "language", "en_gb"), "language");
  }

  @Test
  default void everySupportedLanguageIsAccepted() {
    Tenant tenant = newTenant();
    List<String> languages =
        List.of(
            "cs_CZ", "da_DK", "de_DE", "en_GB", "en_US", "es_ES", "es_MX", "fi_FI", "fr_FR",
            "hu_HU", "it_IT", "ja_JP", "nb_NO", "nl_NL", "pl_PL", "pt_BR", "pt_PT", "ro_RO",
            "ru_RU", "sk_SK", "sv_SE", "tr_TR", "zh_CN", "zh_TW");
    List<UserBody> users = new ArrayList<>();
    for (String language : languages) {
      users.add(UserBody.of(tenant.address("lang." + language)).set("language", language));
    }

    ApiResponse response = tenant.createAll(users);

    assertThat(response.json().path("created").asInt()).isEqualTo(languages.size());
  }

  @Test
  default void unknownTimezoneIsRejected() {
    Tenant tenant = newTenant();

    String message =
        assertSingleFieldError(putWith(tenant, "zone", "timezone", "Mars/Olympus"), "timezone");

    assertThat(message).contains("IANA");
    putWith(tenant, "zone.ok", "timezone", "America/Argentina/Buenos_Aires").expect(201);
  }

  @Test
  default void addressInDomainOfAnotherCustomerIsRejected() {
    Tenant tenant = newTenant();
    Tenant other = newTenant();
    String foreign = other.address("jane");

    ApiResponse rejected = tenant.api().put(tenant.userPath(foreign), UserBody.of(foreign));

    String message = assertSingleFieldError(rejected, "user");
    assertThat(message).contains(tenant.domain());
    assertThat(message).doesNotContain(other.domain() + ",");
    other.api().get(other.userPath(foreign)).expect(404);
  }

  @Test
  default void addressInUnknownDomainIsRejected() {
    Tenant tenant = newTenant();
    String address = "jane@unknown-" + LifeboatFixture.randomLowerAlphanumeric(6) + ".test";

    assertSingleFieldError(
        tenant.api().put(tenant.userPath(address), UserBody.of(address)), "user");
  }

  /**
   * No address of 256 characters is valid, because the local part has at most 64 characters and the
   * domain at most 128. So 256 characters fail on the local part and 257 on the total length.
   */
  @Test
  default void userOf257CharactersIsRejected() {
    Tenant tenant = newTenant();
    String longest = "a".repeat(255 - tenant.domain().length()) + "@" + tenant.domain();
    String over = "a" + longest;
    assertThat(longest).hasSize(256);
    assertThat(over).hasSize(257);

    String atLimit =
        assertSingleFieldError(
            tenant.api().put(tenant.path(""), Map.of("users", List.of(UserBody.of(longest)))),
            "users[0].user");
    String overLimit =
        assertSingleFieldError(
            tenant.api().put(tenant.path(""), Map.of("users", List.of(UserBody.of(over)))),
            "users[0].user");

    assertThat(atLimit).contains("local part of at most 64");
    assertThat(overLimit).contains("at most 256 characters, but has 257");
  }

  @Test
  default void longestAddressIsAccepted() {
    String domain =
        "a".repeat(52) + LifeboatFixture.randomLowerAlphanumeric(10) + "." + "b".repeat(63) + ".t";
    assertThat(domain).hasSize(128);
    Tenant tenant =
        newTenant(settings -> settings.put("domains", List.of(LifeboatFixture.domain(domain))));
    String longest = "l".repeat(64) + "@" + domain;
    String overLocal = "l".repeat(65) + "@" + domain;

    tenant.create(UserBody.of(longest));
    ApiResponse rejected = tenant.api().put(tenant.userPath(overLocal), UserBody.of(overLocal));

    assertThat(tenant.domain()).hasSize(128);
    assertThat(tenant.getUser(longest).json().path("user").path("user").asString())
        .isEqualTo(longest);
    assertThat(assertSingleFieldError(rejected, "user")).contains("64");
  }

  @Test
  default void domainOver128CharactersIsRejected() {
    String domain = "a".repeat(63) + "." + "b".repeat(63) + ".c";
    assertThat(domain).hasSize(129);

    ApiResponse rejected =
        operator()
            .put(
                OPERATOR_API + "/customers/" + unusedCustomerId(),
                Map.of("name", "Long", "domains", List.of(LifeboatFixture.domain(domain))));

    assertSingleFieldError(rejected, "domains[0].domain");
  }

  @Test
  default void atSignMayArriveAsPercent40() {
    Tenant tenant = newTenant();
    String address = tenant.address("percent");
    String encoded = "percent%40" + tenant.domain();

    tenant.api().put(tenant.path("/" + encoded), UserBody.of(address)).expect(201);
    ApiResponse read = tenant.api().get(tenant.path("/" + encoded)).expect(200);
    tenant.api().put(tenant.path("/" + encoded + "/failover")).expect(200);
    String token =
        tenant.api().post(tenant.path("/" + encoded + "/token")).expect(201).text("token");
    ApiResponse password =
        tenant
            .api()
            .anonymous()
            .put(
                Tenant.BASE + encoded + "/password",
                Map.of("token", token, "password", "Secret1!x"));

    assertThat(read.json().path("user").path("user").asString()).isEqualTo(address);
    password.expect(200);
    JsonNode user = tenant.getUser(address).json().path("user");
    assertThat(user.path("failover").asBoolean()).isTrue();
    assertThat(user.path("activation").asBoolean()).isTrue();
    tenant.api().delete(tenant.path("/" + encoded)).expect(200);
  }

  @Test
  default void upperCaseAddressIsMatchedLowerCase() {
    Tenant tenant = newTenant();
    String mixed = "Jane.Roe@" + tenant.domain().toUpperCase();
    String lower = mixed.toLowerCase();

    tenant.api().put(tenant.userPath(mixed), UserBody.of(mixed)).expect(201);

    assertThat(tenant.getUser(lower).json().path("user").path("user").asString()).isEqualTo(lower);
    assertThat(
            tenant
                .getUser("JANE.ROE@" + tenant.domain())
                .json()
                .path("user")
                .path("user")
                .asString())
        .isEqualTo(lower);
    tenant.api().put(tenant.userPath("jAnE.rOe@" + tenant.domain()) + "/access").expect(200);
    assertThat(tenant.getUser(lower).json().path("user").path("access").asBoolean()).isTrue();
    ApiResponse again =
        tenant.api().put(tenant.userPath(lower), UserBody.of("JANE.ROE@" + tenant.domain()));
    again.expect(200);
    assertThat(tenant.count("")).isEqualTo(1);
    String token = tenant.issueToken(mixed).text("token");
    tenant.setPassword("JANE.roe@" + tenant.domain(), token, "Secret1!x").expect(200);
    assertThat(tenant.getUser(lower).json().path("user").path("activation").asBoolean()).isTrue();
  }

  @Test
  default void localPartMustBeDotAtom() {
    Tenant tenant = newTenant();
    List<String> valid = List.of("o'brien+tag", "a.b.c", "x", "!#$%&'*+/=?^_`{|}~-", "UPPER.case");
    List<String> invalid =
        List.of(".jane", "jane.", "ja..ne", "\"quoted\"", "ja ne", "jäne", "ja(ne)", "ja@ne", "");
    List<UserBody> validUsers = new ArrayList<>();
    valid.forEach(local -> validUsers.add(UserBody.of(local + "@" + tenant.domain())));

    ApiResponse accepted = tenant.api().put(tenant.path(""), Map.of("users", validUsers));

    accepted.expect(200);
    assertThat(accepted.json().path("created").asInt()).isEqualTo(valid.size());
    for (String local : invalid) {
      ApiResponse rejected =
          tenant
              .api()
              .put(
                  tenant.path(""),
                  Map.of("users", List.of(UserBody.of(local + "@" + tenant.domain()))));
      assertThat(rejected.status()).as("local part [%s]: %s", local, rejected).isEqualTo(400);
      assertThat(rejected.errorFields())
          .as("local part [%s]", local)
          .containsExactly("users[0].user");
    }
    assertThat(tenant.count("")).isEqualTo(valid.size());
  }

  @Test
  default void everyInvalidFieldIsListed() {
    Tenant tenant = newTenant();
    String address = tenant.address("many.errors");
    UserBody user =
        UserBody.of(address)
            .set("displayName", "")
            .set("language", "xx_XX")
            .set("timezone", "Nowhere/Land")
            .set("phone", "call me")
            .set("failoverGroups", List.of("bad group"));

    ApiResponse rejected = tenant.api().put(tenant.userPath(address), user);

    JsonNode body = assertError(rejected, 400);
    assertThat(rejected.errorFields())
        .containsExactlyInAnyOrder(
            "displayName", "language", "timezone", "phone", "failoverGroups");
    for (JsonNode error : body.path("errors")) {
      assertThat(error.path("message").asString()).contains(error.path("field").asString());
    }
    Map<String, String> values = new java.util.HashMap<>();
    body.path("errors")
        .forEach(e -> values.put(e.path("field").asString(), e.path("value").asString()));
    assertThat(values).containsEntry("language", "xx_XX").containsEntry("phone", "call me");
    tenant.api().get(tenant.userPath(address)).expect(404);
  }

  @Test
  default void missingRequiredFieldsAreNamed() {
    Tenant tenant = newTenant();
    String address = tenant.address("empty");

    ApiResponse rejected = tenant.api().put(tenant.userPath(address), Map.of());

    assertError(rejected, 400);
    assertThat(rejected.errorFields())
        .containsExactlyInAnyOrder("displayName", "givenName", "surName", "language", "timezone");
  }

  @Test
  default void outputOnlyFieldsInBodyAreIgnored() {
    Tenant tenant = newTenant();
    String address = tenant.address("sneaky");
    UserBody user =
        UserBody.of(address)
            .set("activation", true)
            .set("access", true)
            .set("failover", true)
            .set("customer", "99999")
            .set("domain", "evil.test");

    tenant.api().put(tenant.userPath(address), user).expect(201);

    JsonNode stored = tenant.getUser(address).json().path("user");
    assertThat(stored.path("activation").asBoolean()).isFalse();
    assertThat(stored.path("access").asBoolean()).isFalse();
    assertThat(stored.path("failover").asBoolean()).isFalse();
    assertThat(stored.path("customer").asString()).isEqualTo(tenant.id());
    assertThat(stored.path("domain").asString()).isEqualTo(tenant.domain());
  }
}
