package io.lifeboat.contract;

import static io.lifeboat.contract.Envelopes.assertEnvelope;
import static io.lifeboat.contract.Envelopes.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The operator API: customers and their domains, credentials, SFTP logins, operator login. */
interface OperatorContract extends LifeboatFixture {

  private String customerPath(String id) {
    return OPERATOR_API + "/customers/" + id;
  }

  private static Map<String, Object> customer(String name, String... domains) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    List<Map<String, Object>> list = new ArrayList<>();
    for (String domain : domains) {
      list.add(LifeboatFixture.domain(domain));
    }
    body.put("domains", list);
    return body;
  }

  private static List<String> domainNames(JsonNode customer) {
    List<String> names = new ArrayList<>();
    customer.path("domains").forEach(d -> names.add(d.path("domain").asString()));
    return names;
  }

  @Test
  default void createReadAndUpdateCustomer() {
    String id = unusedCustomerId();
    String domain = LifeboatFixture.randomDomain();
    Map<String, Object> body = customer("Acme Ltd", domain.toUpperCase());
    body.put("notifications", true);
    body.put("notificationSender", "noreply@" + domain);
    body.put("tokenLifetimeDays", 14);
    body.put("publicBaseUrl", "https://mail.acme.test");
    body.put("syncDeactivationLimitPercent", 25);

    ApiResponse created = operator().put(customerPath(id), body).expect(201);
    ApiResponse updated =
        operator().put(customerPath(id), Map.of("name", "Acme Group")).expect(200);
    ApiResponse read = operator().get(customerPath(id)).expect(200);
    ApiResponse list = operator().get(OPERATOR_API + "/customers").expect(200);

    assertEnvelope(created);
    JsonNode customer = read.json().path("customer");
    assertThat(customer.path("customer").asString()).isEqualTo(id);
    assertThat(customer.path("name").asString()).isEqualTo("Acme Group");
    assertThat(domainNames(customer)).containsExactly(domain);
    assertThat(customer.path("domains").path(0).path("primaryHost").asString())
        .isEqualTo("127.0.0.1");
    assertThat(customer.path("domains").path(0).path("primaryPort").asInt()).isEqualTo(25);
    assertThat(customer.path("notifications").asBoolean()).isTrue();
    assertThat(customer.path("notificationSender").asString()).isEqualTo("noreply@" + domain);
    assertThat(customer.path("tokenLifetimeDays").asInt()).isEqualTo(14);
    assertThat(customer.path("publicBaseUrl").asString()).isEqualTo("https://mail.acme.test");
    assertThat(customer.path("syncDeactivationLimitPercent").asInt()).isEqualTo(25);
    assertThat(customer.path("credentials").isArray()).isTrue();
    assertThat(updated.json().path("customer").path("tokenLifetimeDays").asInt()).isEqualTo(14);
    List<String> ids = new ArrayList<>();
    list.json().path("customers").forEach(c -> ids.add(c.path("customer").asString()));
    assertThat(ids).contains(id);
  }

  @Test
  default void customerDefaultsApply() {
    String id = unusedCustomerId();

    JsonNode customer =
        operator()
            .put(customerPath(id), customer("Defaults", LifeboatFixture.randomDomain()))
            .expect(201)
            .json()
            .path("customer");

    assertThat(customer.path("notifications").asBoolean()).isFalse();
    assertThat(customer.path("tokenLifetimeDays").asInt()).isEqualTo(7);
    assertThat(customer.path("syncDeactivationLimitPercent").asInt()).isEqualTo(10);
  }

  @Test
  default void domainListReplacesTheOldOne() {
    String id = unusedCustomerId();
    String first = LifeboatFixture.randomDomain();
    String second = LifeboatFixture.randomDomain();
    String third = LifeboatFixture.randomDomain();
    operator().put(customerPath(id), customer("Replace", first, second)).expect(201);

    Map<String, Object> change = customer("Replace", second, third);
    ((Map<String, Object>) ((List<?>) change.get("domains")).get(0)).put("primaryPort", 2525);
    operator().put(customerPath(id), change).expect(200);

    JsonNode customer = operator().get(customerPath(id)).expect(200).json().path("customer");
    assertThat(domainNames(customer)).containsExactlyInAnyOrder(second, third);
    for (JsonNode domain : customer.path("domains")) {
      if (domain.path("domain").asString().equals(second)) {
        assertThat(domain.path("primaryPort").asInt()).isEqualTo(2525);
      }
    }
    List<String> actions = new ArrayList<>();
    operator()
        .get(customerPath(id) + "/audit")
        .expect(200)
        .json()
        .path("entries")
        .forEach(e -> actions.add(e.path("action").asString()));
    assertThat(actions).contains("domain.added", "domain.removed", "domain.updated");
  }

  @Test
  default void domainOfAnotherCustomerIsAConflict() {
    Tenant owner = newTenant();
    String id = unusedCustomerId();

    ApiResponse conflict =
        operator()
            .put(
                customerPath(id),
                customer("Thief", LifeboatFixture.randomDomain(), owner.domain()));

    assertError(conflict, 409);
    assertThat(conflict.text("message")).contains(owner.domain());
    assertError(operator().get(customerPath(id)), 404);
    Tenant other = newTenant();
    assertError(operator().put(customerPath(other.id()), customer("Thief", owner.domain())), 409);
    JsonNode unchanged = operator().get(customerPath(other.id())).expect(200).json();
    assertThat(domainNames(unchanged.path("customer"))).containsExactly(other.domain());
  }

  @Test
  default void concurrentCreatesOfOneCustomerNeverFail() throws Exception {
    String id = unusedCustomerId();
    String domain = LifeboatFixture.randomDomain();

    List<ApiResponse> responses =
        LifeboatFixture.together(
            6, () -> operator().put(customerPath(id), customer("Racer", domain)));

    for (ApiResponse response : responses) {
      assertThat(response.status()).as("%s", response).isIn(200, 201, 409);
    }
    assertThat(responses.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
    JsonNode customer = operator().get(customerPath(id)).expect(200).json().path("customer");
    assertThat(domainNames(customer)).containsExactly(domain);
  }

  @Test
  default void concurrentClaimsOfOneDomainLeaveOneOwner() throws Exception {
    String domain = LifeboatFixture.randomDomain();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(unusedCustomerId());
    }
    AtomicInteger next = new AtomicInteger();

    List<ApiResponse> responses =
        LifeboatFixture.together(
            4,
            () ->
                operator()
                    .put(customerPath(ids.get(next.getAndIncrement())), customer("Claim", domain)));

    for (ApiResponse response : responses) {
      assertThat(response.status()).as("%s", response).isIn(201, 409);
    }
    assertThat(responses.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
  }

  @Test
  default void removingDomainWithUsersIsAConflict() {
    Tenant tenant = newTenant();
    tenant.create(UserBody.of(tenant.address("resident")));
    String replacement = LifeboatFixture.randomDomain();

    ApiResponse conflict =
        operator().put(customerPath(tenant.id()), customer("Remove", replacement));

    assertError(conflict, 409);
    assertThat(conflict.text("message")).contains(tenant.domain()).contains("1 users");
    JsonNode customer = operator().get(customerPath(tenant.id())).expect(200).json();
    assertThat(domainNames(customer.path("customer"))).containsExactly(tenant.domain());
  }

  @Test
  default void invalidCustomerSettingsAreListed() {
    String id = unusedCustomerId();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "");
    Map<String, Object> badDomain = new LinkedHashMap<>();
    badDomain.put("domain", "not a domain");
    badDomain.put("primaryHost", "bad host!");
    badDomain.put("primaryPort", 70000);
    body.put("domains", List.of(badDomain));
    body.put("tokenLifetimeDays", 0);
    body.put("syncDeactivationLimitPercent", 101);
    body.put("publicBaseUrl", "ftp://mail.example.test");
    body.put("notificationSender", "not an address");

    ApiResponse rejected = operator().put(customerPath(id), body);

    assertError(rejected, 400);
    assertThat(rejected.errorFields())
        .containsExactlyInAnyOrder(
            "name",
            "domains[0].domain",
            "domains[0].primaryHost",
            "domains[0].primaryPort",
            "tokenLifetimeDays",
            "syncDeactivationLimitPercent",
            "publicBaseUrl",
            "notificationSender");
    assertError(operator().get(customerPath(id)), 404);
  }

  @Test
  default void customerSettingsAreCheckedAtTheirLimits() {
    String domain = LifeboatFixture.randomDomain();
    Map<String, Object> body = customer("Limits", domain);
    body.put("tokenLifetimeDays", 90);
    body.put("syncDeactivationLimitPercent", 0);
    String id = unusedCustomerId();
    operator().put(customerPath(id), body).expect(201);

    assertError(operator().put(customerPath(id), Map.of("tokenLifetimeDays", 91)), 400);
    assertError(operator().put(customerPath(id), Map.of("tokenLifetimeDays", 0)), 400);
    assertError(operator().put(customerPath(id), Map.of("syncDeactivationLimitPercent", -1)), 400);
    assertError(operator().put(customerPath(id), Map.of("name", "x".repeat(257))), 400);
    operator()
        .put(customerPath(id), Map.of("tokenLifetimeDays", 1, "name", "y".repeat(256)))
        .expect(200);
    assertError(operator().put(customerPath(id), Map.of("domains", List.of())), 400);
  }

  @Test
  default void malformedCustomerIdIsRejectedByOperatorApi() {
    for (String id : List.of("1234", "12345678", "12345ab", "ABCDE", "12345A")) {
      ApiResponse rejected =
          operator().put(customerPath(id), customer("Bad id", LifeboatFixture.randomDomain()));
      assertThat(rejected.status()).as("%s", rejected).isEqualTo(400);
      assertThat(rejected.errorFields()).as(id).containsExactly("CUSTOMER");
    }
  }

  @Test
  default void unknownCustomerAnswers404() {
    String id = unusedCustomerId();

    assertError(operator().get(customerPath(id)), 404);
    assertError(operator().post(customerPath(id) + "/credentials"), 404);
    assertError(operator().delete(customerPath(id) + "/credentials/nobody"), 404);
  }

  @Test
  default void credentialIsShownOnceAndCanBeRevoked() {
    Tenant tenant = newTenant();

    ApiResponse created = operator().post(customerPath(tenant.id()) + "/credentials").expect(201);
    Credential credential = new Credential(created.text("username"), created.text("password"));
    JsonNode customer = operator().get(customerPath(tenant.id())).expect(200).json();
    ApiResponse works = http().as(credential).get(tenant.path("")).expect(200);
    operator()
        .delete(customerPath(tenant.id()) + "/credentials/" + credential.username())
        .expect(200);
    ApiResponse again =
        operator().delete(customerPath(tenant.id()) + "/credentials/" + credential.username());

    assertEnvelope(created);
    assertThat(credential.password()).hasSizeGreaterThanOrEqualTo(32);
    assertThat(customer.toString()).doesNotContain(credential.password());
    assertThat(CustomerApiContract.strings(customer.path("customer").path("credentials")))
        .contains(credential.username(), tenant.credential().username());
    assertThat(works.status()).isEqualTo(200);
    assertError(http().as(credential).get(tenant.path("")), 401);
    assertError(again, 404);
    String stored =
        jdbc()
            .sql("SELECT secret_hash FROM api_credential WHERE username = :u")
            .param("u", tenant.credential().username())
            .query(String.class)
            .single();
    assertThat(stored).doesNotContain(tenant.credential().password()).hasSize(64);
  }

  @Test
  default void foreignCredentialCannotBeRevoked() {
    Tenant owner = newTenant();
    Tenant other = newTenant();

    ApiResponse response =
        operator()
            .delete(customerPath(other.id()) + "/credentials/" + owner.credential().username());

    assertError(response, 404);
    owner.api().get(owner.path("")).expect(200);
  }

  @Test
  default void sftpLoginStoresKeyAndPasswordHash() {
    Tenant tenant = newTenant();
    String key = rsaPublicKey();

    ApiResponse set =
        operator()
            .put(
                customerPath(tenant.id()) + "/sftp",
                Map.of("password", "Sftp1Secret!", "publicKey", key))
            .expect(200);
    Map<String, Object> stored =
        jdbc()
            .sql("SELECT password_hash, public_key FROM sftp_login WHERE customer_id = :c")
            .param("c", tenant.id())
            .query()
            .singleRow();
    operator()
        .put(customerPath(tenant.id()) + "/sftp", Map.of("password", "Sftp2Secret!"))
        .expect(200);
    Map<String, Object> passwordOnly =
        jdbc()
            .sql("SELECT password_hash, public_key FROM sftp_login WHERE customer_id = :c")
            .param("c", tenant.id())
            .query()
            .singleRow();

    assertThat(assertEnvelope(set).path("username").asString()).isEqualTo(tenant.id());
    assertThat((String) stored.get("password_hash")).startsWith("$argon2id$");
    assertThat(stored.get("public_key")).isEqualTo(key);
    assertThat(passwordOnly.get("public_key")).as("a left-out key is kept").isEqualTo(key);
    assertThat(passwordOnly.get("password_hash")).isNotEqualTo(stored.get("password_hash"));
    List<String> audited = new ArrayList<>();
    operator()
        .get(customerPath(tenant.id()) + "/audit")
        .expect(200)
        .json()
        .path("entries")
        .forEach(
            e -> audited.add(e.path("action").asString() + " " + e.path("newValue").asString()));
    assertThat(audited).contains("sftp.key-set ssh-rsa", "sftp.password-set ");
  }

  @Test
  default void sftpLoginRejectsBadInput() {
    Tenant tenant = newTenant();
    String path = customerPath(tenant.id()) + "/sftp";
    String valid = rsaPublicKey();
    String blob = valid.split(" ")[1];

    for (String bad :
        List.of(
            "ssh-rsa not-base64!!",
            "ssh-ed25519 " + blob,
            "ssh-dss " + blob,
            "ssh-rsa",
            "-----BEGIN PUBLIC KEY-----",
            "ssh-rsa " + blob.substring(0, 8))) {
      ApiResponse rejected = operator().put(path, Map.of("publicKey", bad));
      assertThat(rejected.status()).as("%s", rejected).isEqualTo(400);
      assertThat(rejected.errorFields()).as(bad).containsExactly("publicKey");
    }
    ApiResponse weak = operator().put(path, Map.of("password", "short"));
    ApiResponse empty = operator().put(path, Map.of());

    assertError(weak, 400);
    assertThat(weak.errorFields()).containsOnly("password");
    assertError(empty, 400);
    assertThat(
            jdbc()
                .sql("SELECT COUNT(*) FROM sftp_login WHERE customer_id = :c")
                .param("c", tenant.id())
                .query(Long.class)
                .single())
        .isZero();
  }

  @Test
  default void operatorPasswordComesFromTheEnvironment() {
    String configured = context().getEnvironment().getProperty(OPERATOR_PASSWORD_VARIABLE);

    ApiResponse withConfigured =
        http().as(new Credential("operator", configured)).get(OPERATOR_API + "/customers");
    ApiResponse withWrong =
        http().as(new Credential("operator", configured + "x")).get(OPERATOR_API + "/customers");
    ApiResponse withWrongUser =
        http().as(new Credential("admin", configured)).get(OPERATOR_API + "/customers");

    assertThat(configured).isNotBlank();
    withConfigured.expect(200);
    assertError(withWrong, 401);
    assertError(withWrongUser, 401);
    assertThat(Files.exists(dataDir().resolve("operator-password")))
        .as("no password file when the password is configured")
        .isFalse();
  }

  @Test
  default void operatorApiNeedsCredentials() {
    ApiResponse response = http().get(OPERATOR_API + "/customers");

    assertError(response, 401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Basic");
  }

  /** Returns a fresh RSA public key in OpenSSH's one-line format (RFC 4253 section 6.6). */
  static String rsaPublicKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
      ByteArrayOutputStream blob = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(blob);
      writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
      writeString(out, key.getPublicExponent().toByteArray());
      writeString(out, key.getModulus().toByteArray());
      return "ssh-rsa " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " test@lifeboat";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is missing from this JDK", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeString(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value.length);
    out.write(value);
  }
}
