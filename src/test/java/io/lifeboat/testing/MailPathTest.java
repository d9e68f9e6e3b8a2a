package io.lifeboat.testing;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerService;
import io.lifeboat.smtp.SmtpListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shared setup of mail path tests: the real application on random HTTP and SMTP ports, and a
 * customer 44444 whose domain example.com has a {@link FakeSmtpServer} as primary server. The same
 * fake is the smarthost, and a {@link RecordingMailstore} replaces the mailstore. All subclasses
 * share one application context and database.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "lifeboat.smtp.port=0",
      "lifeboat.smtp.hostname=mx.lifeboat.test",
      "lifeboat.smtp.max-message-size=1MB",
      "lifeboat.smtp.max-recipients=20",
      "lifeboat.delivery.poll-interval=PT0.2S",
      "lifeboat.delivery.retry-initial=PT1S",
      "lifeboat.delivery.retry-max=PT2S",
      "lifeboat.delivery.timeout=PT3S",
      "lifeboat.delivery.connect-timeout=PT3S",
      "lifeboat.delivery.notification-interval=PT1H",
      "lifeboat.smarthost.host=127.0.0.1",
      "lifeboat.smarthost.starttls=never",
      "LIFEBOAT_OPERATOR_PASSWORD=" + MailPathTest.OPERATOR_PASSWORD
    })
@Import(MailPathTest.MailstoreConfig.class)
public abstract class MailPathTest {

  public static final String OPERATOR_PASSWORD = "operator-test-password";
  public static final String CUSTOMER = "44444";
  public static final String FAILOVER_USER = "alice@example.com";
  public static final String PRIMARY_USER = "bob@example.com";
  public static final String DELETED_USER = "carol@example.com";
  public static final String CORPUS_USER = "corpus@example.com";

  protected static final Path DATA_DIR = temporaryDataDir();
  protected static final FakeSmtpServer PRIMARY = new FakeSmtpServer();

  @Autowired protected SmtpListener smtp;
  @Autowired protected RecordingMailstore mailstore;
  @Autowired protected JdbcClient jdbc;
  @Autowired protected UserRepository users;
  @Autowired protected CustomerRepository customers;
  @Autowired private CustomerService customerService;
  @Autowired private ProvisioningService provisioning;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.data-dir", DATA_DIR::toString);
    registry.add("lifeboat.smarthost.port", PRIMARY::port);
  }

  @TestConfiguration
  static class MailstoreConfig {
    /** Takes the place of the encrypted mailstore, so tests can read what was delivered. */
    @Bean
    @Primary
    RecordingMailstore recordingMailstore() {
      return new RecordingMailstore(DATA_DIR.resolve("test-mailstore"));
    }
  }

  @BeforeEach
  void createCustomerOnce() {
    PRIMARY.clear();
    if (customers.exists(CUSTOMER)) {
      return;
    }
    Actor actor = Actor.system("test-setup");
    customerService.put(
        actor,
        CUSTOMER,
        new CustomerRequest(
            "Example Ltd",
            List.of(new CustomerRequest.DomainRequest("example.com", "127.0.0.1", PRIMARY.port())),
            false,
            null,
            null,
            null,
            null));
    provisioning.putAll(
        actor,
        CUSTOMER,
        List.of(
            draft(FAILOVER_USER), draft(PRIMARY_USER), draft(DELETED_USER), draft(CORPUS_USER)));
    users.setFlag(user(FAILOVER_USER).id(), Flag.FAILOVER, true, Instant.now());
    users.setFlag(user(CORPUS_USER).id(), Flag.FAILOVER, true, Instant.now());
    users.markDeleted(
        user(DELETED_USER).id(), Instant.now(), Instant.now().plus(Duration.ofDays(7)));
  }

  protected static UserDraft draft(String email) {
    String local = email.substring(0, email.indexOf('@'));
    return new UserDraft(
        email, local, local, "Test", "en_GB", "Europe/London", null, null, null, null, List.of());
  }

  protected User user(String email) {
    return users.findByEmail(email).orElseThrow();
  }

  protected int smtpPort() {
    return smtp.port();
  }

  /** Waits up to 20 seconds for a condition, failing the test when it never holds. */
  public static void await(String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /** Returns the messages in a user's standby Inbox, as ISO-8859-1 text so any byte decodes. */
  protected List<String> inbox(String email) {
    try {
      return mailstore.inbox(user(email).id()).stream().map(MailPathTest::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected long queuedMessages() {
    return jdbc.sql("SELECT COUNT(*) FROM queue_message").query(Long.class).single();
  }

  /** Reads a stored message as ISO-8859-1, which maps every byte, so 8-bit mail reads too. */
  private static String read(Path file) {
    try {
      return Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path temporaryDataDir() {
    try {
      return Files.createTempDirectory("lifeboat-mailpath-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
