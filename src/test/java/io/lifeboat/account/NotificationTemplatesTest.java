package io.lifeboat.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.audit.Actor;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.Locales;
import io.lifeboat.directory.User;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Notification mail templates: built-in ones in every locale, customer ones, injection. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "LIFEBOAT_OPERATOR_PASSWORD=templates-operator")
class NotificationTemplatesTest {

  private static final String URL = "https://mail.example/activation?token=" + "k".repeat(32);

  /** The link as the HTML part carries it: jmustache's HTML escaper also escapes {@code =}. */
  private static final String HTML_URL = URL.replace("=", "&#x3D;");

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-templates");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired NotificationTemplates templates;
  @Autowired CustomerService customerService;
  @Autowired CustomerRepository customerRepository;
  @Autowired ObjectMapper json;

  private final HttpClient http = HttpClient.newHttpClient();
  private Customer customer;

  @BeforeEach
  void createCustomer() {
    String id = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    customerService.put(
        new Actor("test", "test", "127.0.0.1"),
        id,
        new CustomerRequest(
            "Acme & Sons <Ltd>",
            List.of(new DomainRequest("t" + id + ".example", "127.0.0.1", 25)),
            true,
            null,
            5,
            null,
            null));
    customer = customerRepository.find(id).orElseThrow();
  }

  @Test
  void builtInRendersEveryLocale() {
    Instant expiry = Instant.parse("2026-12-11T15:00:00Z");
    for (String locale : Locales.SUPPORTED) {
      RenderedNotification mail =
          templates.render(customer, user("Jane Roe", locale), "activation", URL, expiry);
      assertThat(mail.subject()).as(locale).isNotBlank().doesNotContain("{{").doesNotContain("\n");
      assertThat(mail.text()).as(locale).contains(URL).contains("Jane Roe").doesNotContain("{{");
      assertThat(mail.html()).as(locale).contains("href=\"" + HTML_URL + "\"").doesNotContain("{{");
      assertThat(mail.text()).as(locale).contains("@$!%*?&");
      assertThat(mail.text()).as(locale).doesNotContain("''");
    }
  }

  @Test
  void builtInUsesUserLanguageAndZone() {
    Instant expiry = Instant.parse("2026-12-11T15:00:00Z");
    RenderedNotification german =
        templates.render(customer, user("Max Muster", "de_DE"), "activation", URL, expiry);
    assertThat(german.subject()).isEqualTo("Aktivieren Sie Ihr Standby-Postfach");
    assertThat(german.text()).contains("Hallo Max Muster,").contains("11. Dezember 2026");
    assertThat(german.text()).contains("16:00");

    RenderedNotification reset =
        templates.render(customer, user("Max Muster", "fr_FR"), "password-reset", URL, expiry);
    assertThat(reset.subject())
        .isEqualTo("Nouveau mot de passe pour votre boîte aux lettres de secours");
    assertThat(reset.text()).contains("Le lien ne fonctionne qu'une fois");
  }

  @Test
  void htmlEscapesEveryValue() {
    RenderedNotification mail =
        templates.render(
            customer,
            user("<script>alert(1)</script> \"Eve\"", "en_GB"),
            "activation",
            URL,
            Instant.now());
    assertThat(mail.html()).doesNotContain("<script>");
    assertThat(mail.html()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(mail.html()).contains("Acme &amp; Sons &lt;Ltd&gt;");
    assertThat(mail.text()).contains("<script>alert(1)</script>");
  }

  @Test
  void subjectCannotAddHeaderLines() {
    assertThat(NotificationTemplates.oneLine("Welcome\r\nBcc: victim@example.com"))
        .isEqualTo("Welcome Bcc: victim@example.com");
    assertThat(NotificationTemplates.oneLine("a\u0000b\tc")).isEqualTo("a b c");
  }

  @Test
  void customerTemplateReplacesBuiltIn() throws Exception {
    HttpResponse<String> put =
        operator(
            "PUT",
            "/templates/activation/en_GB",
            "{\"subject\": \"{{customerName}}: activate {{email}}\","
                + " \"text\": \"Dear {{givenName}}, go to {{url}} before {{expiry}}.\","
                + " \"html\": \"<p>Dear {{givenName}}, <a href='{{url}}'>activate</a></p>\"}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    User user = user("Jane <b>Roe</b>", "en_GB");
    RenderedNotification mail = templates.render(customer, user, "activation", URL, Instant.now());
    assertThat(mail.subject()).isEqualTo("Acme & Sons <Ltd>: activate " + user.email());
    assertThat(mail.text()).startsWith("Dear Jane, go to " + URL + " before ");
    assertThat(mail.html()).isEqualTo("<p>Dear Jane, <a href='" + HTML_URL + "'>activate</a></p>");

    RenderedNotification german =
        templates.render(customer, user("Max", "de_DE"), "activation", URL, Instant.now());
    assertThat(german.subject()).isEqualTo("Aktivieren Sie Ihr Standby-Postfach");

    HttpResponse<String> preview = operator("POST", "/templates/activation/en_GB/preview", "");
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(json.readTree(preview.body()).get("subject").asString())
        .startsWith("Acme & Sons <Ltd>: activate jane.roe@");

    HttpResponse<String> delete = operator("DELETE", "/templates/activation/en_GB", null);
    assertThat(delete.statusCode()).isEqualTo(200);
    assertThat(templates.render(customer, user, "activation", URL, Instant.now()).subject())
        .isEqualTo("Activate your standby mailbox");
    assertThat(operator("DELETE", "/templates/activation/en_GB", null).statusCode()).isEqualTo(404);
  }

  @Test
  void unsafeOrBrokenTemplatesAreRejected() throws Exception {
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"{{password}}\", \"html\": \"<p>x</p>\"}",
        "text",
        "unknown values");
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"x\", \"html\": \"<p>{{{displayName}}}</p>\"}",
        "html",
        "unescaped");
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"x\", \"html\": \"<p>{{&displayName}}</p>\"}",
        "html",
        "unescaped");
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"{{> /etc/passwd}}\", \"html\": \"<p>x</p>\"}",
        "text",
        "includes");
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\\r\\nBcc: x@example.com\", \"text\": \"x\", \"html\": \"<p>x</p>\"}",
        "subject",
        "one line");
    assertRejected(
        "/templates/activation/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"{{#rules}}open\", \"html\": \"<p>x</p>\"}",
        "text",
        "not a valid Mustache template");
    assertRejected(
        "/templates/welcome/en_GB",
        "{\"subject\": \"Hi\", \"text\": \"x\", \"html\": \"<p>x</p>\"}",
        "kind",
        "kind must be one of");
    assertRejected(
        "/templates/activation/xx_XX",
        "{\"subject\": \"Hi\", \"text\": \"x\", \"html\": \"<p>x</p>\"}",
        "locale",
        "locale must be one of");
    assertThat(templates.list(customer.id())).isEmpty();
  }

  private void assertRejected(String path, String body, String field, String message)
      throws Exception {
    HttpResponse<String> response = operator("PUT", path, body);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    JsonNode errors = json.readTree(response.body()).get("errors");
    boolean found = false;
    for (JsonNode error : errors) {
      found |=
          error.get("field").asString().equals(field)
              && error.get("message").asString().contains(message);
    }
    assertThat(found).as(response.body()).isTrue();
  }

  private HttpResponse<String> operator(String method, String path, String body) throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString("operator:templates-operator".getBytes(StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + port + "/operator/v1/customers/" + customer.id() + path))
            .header("Authorization", "Basic " + auth)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30));
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private User user(String displayName, String language) {
    Instant now = Instant.now();
    String domain = customer.domains().get(0).name();
    return new User(
        1,
        customer.id(),
        "jane.roe@" + domain,
        domain,
        displayName,
        "Jane",
        "Roe",
        language,
        "Europe/Berlin",
        null,
        null,
        null,
        null,
        List.of(),
        false,
        false,
        false,
        now,
        now,
        null,
        null);
  }
}
