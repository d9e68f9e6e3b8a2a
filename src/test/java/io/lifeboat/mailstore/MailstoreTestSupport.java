package io.lifeboat.mailstore;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs the real application on a random port with its own data folder (H2 database, blobs, master
 * key) under {@code target/}, shared by all mailstore test classes through Spring's context cache.
 * Each test class creates its own customer, so classes do not see each other's users.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class MailstoreTestSupport {

  static final Path DATA_DIR =
      Path.of("target", "mailstore-test-data", UUID.randomUUID().toString()).toAbsolutePath();

  @DynamicPropertySource
  static void dataFolder(DynamicPropertyRegistry registry) {
    registry.add("lifeboat.data-dir", DATA_DIR::toString);
  }

  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;

  @TempDir Path temp;

  private String customerId;

  /** Creates a user in this test class's customer and returns its id. */
  long newUser(String localPart) {
    if (customerId == null) {
      customerId = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 100_000));
      customers.put(
          Actor.system("mailstore-test"),
          customerId,
          new CustomerRequest(
              "Mailstore test " + customerId,
              List.of(new DomainRequest(domain(), "127.0.0.1", 25)),
              false,
              null,
              null,
              null,
              null));
    }
    UserDraft draft =
        new UserDraft(
            localPart + "@" + domain(),
            "Test " + localPart,
            "Test",
            localPart,
            "en_GB",
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of());
    return provisioning.put(Actor.system("mailstore-test"), customerId, draft).user().id();
  }

  String customerId() {
    return customerId;
  }

  String domain() {
    return "c" + customerId + ".example";
  }

  /** Writes a message with LF line endings turned into CRLF to a file in the test's folder. */
  Path messageFile(String message) {
    try {
      Path file = Files.createTempFile(temp, "message", ".eml");
      Files.writeString(file, message.replace("\n", "\r\n"), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
