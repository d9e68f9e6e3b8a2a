package io.lifeboat.operator;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * With {@code lifeboat.demo=true} and no customer yet, creates customer 44444 with domain
 * example.com, eight users in the failover groups {@code emea} and {@code apac}, and an API
 * credential. The credential goes to {@code demo-api-credential} in the data folder (mode 0600),
 * never to the log.
 */
@Component
@ConditionalOnProperty(name = "lifeboat.demo", havingValue = "true")
public class DemoData implements ApplicationRunner {

  static final String CUSTOMER = "44444";
  static final String CREDENTIAL_FILE = "demo-api-credential";
  private static final Logger log = LoggerFactory.getLogger(DemoData.class);

  private final CustomerRepository customerRepository;
  private final CustomerService customers;
  private final ProvisioningService provisioning;
  private final LifeboatProperties properties;
  private final Environment environment;

  public DemoData(
      CustomerRepository customerRepository,
      CustomerService customers,
      ProvisioningService provisioning,
      LifeboatProperties properties,
      Environment environment) {
    this.customerRepository = customerRepository;
    this.customers = customers;
    this.provisioning = provisioning;
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public void run(ApplicationArguments args) throws IOException {
    if (!customerRepository.findAll().isEmpty()) {
      log.info("Demo mode: customers exist already, so no demo data was added");
      return;
    }
    Actor actor = Actor.system("demo-setup");
    customers.put(
        actor,
        CUSTOMER,
        new CustomerRequest(
            "Example Ltd",
            List.of(new DomainRequest("example.com", "mail.example.com", 25)),
            false,
            null,
            null,
            null,
            null));
    provisioning.putAll(actor, CUSTOMER, users());
    CustomerService.NewCredential credential = customers.createCredential(actor, CUSTOMER);
    Path file = writeCredential(credential);
    printInstructions(file);
  }

  private static List<UserDraft> users() {
    return List.of(
        user("jane.roe", "Jane", "Roe", "en_GB", "Europe/London", "Sales", "emea"),
        user("max.mustermann", "Max", "Mustermann", "de_DE", "Europe/Berlin", "Finance", "emea"),
        user("marie.dupont", "Marie", "Dupont", "fr_FR", "Europe/Paris", "Legal", "emea"),
        user("lars.berg", "Lars", "Berg", "sv_SE", "Europe/Stockholm", "IT", "emea"),
        user("yuki.tanaka", "Yuki", "Tanaka", "ja_JP", "Asia/Tokyo", "Sales", "apac"),
        user("wei.chen", "Wei", "Chen", "zh_CN", "Asia/Shanghai", "Support", "apac"),
        user("ana.silva", "Ana", "Silva", "pt_BR", "America/Sao_Paulo", "Sales", "amer"),
        user("john.doe", "John", "Doe", "en_US", "America/New_York", "IT", "amer"));
  }

  private static UserDraft user(
      String local,
      String given,
      String sur,
      String language,
      String zone,
      String department,
      String group) {
    return new UserDraft(
        local + "@example.com",
        given + " " + sur,
        given,
        sur,
        language,
        zone,
        department,
        null,
        null,
        null,
        List.of(group));
  }

  private Path writeCredential(CustomerService.NewCredential credential) throws IOException {
    Path file = properties.dataDir().resolve(CREDENTIAL_FILE).toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, credential.username() + ":" + credential.password() + "\n");
    return file;
  }

  private void printInstructions(Path file) {
    String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
    String api = base + "/email/continuity/v2/" + CUSTOMER;
    log.info(
        """
        Demo mode: created customer {} (example.com) with 8 users in groups emea, apac and amer.
          The API credential (user:password) is in {}. Try:
            curl -u "$(cat {})" {}
            curl -u "$(cat {})" -X PUT '{}/failover?group=emea'
            curl -u "$(cat {})" -X POST {}/jane.roe@example.com/token
          Swagger UI: {}/swagger-ui.html""",
        CUSTOMER,
        file,
        file,
        api,
        file,
        api,
        file,
        api,
        base);
  }
}
