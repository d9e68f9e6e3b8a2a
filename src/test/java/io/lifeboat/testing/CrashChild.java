package io.lifeboat.testing;

import io.lifeboat.LifeboatApplication;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerService;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;

/**
 * The Lifeboat application as a child process of {@code CrashRecoveryTest}: the real application
 * with a {@link RecordingMailstore} in {@code -Dcrash.mailstore}, a customer for example.com and
 * the user {@code crash@example.com} in failover. Test helpers of this package are kept out of its
 * component scan.
 */
public final class CrashChild {

  static final String USER = "crash@example.com";

  private CrashChild() {}

  public static void main(String[] args) {
    Path mailstore = Path.of(System.getProperty("crash.mailstore"));
    SpringApplication application = new SpringApplication(LifeboatApplication.class);
    application.addInitializers(
        context -> {
          // Primary, so that it takes the place of the encrypted mailstore.
          ((GenericApplicationContext) context)
              .registerBean(
                  "recordingMailstore",
                  RecordingMailstore.class,
                  () -> new RecordingMailstore(mailstore),
                  definition -> definition.setPrimary(true));
          context.getBeanFactory().registerSingleton("skipTestHelpers", new SkipTestHelpers());
        });
    ConfigurableApplicationContext context = application.run(args);
    createUserOnce(context);
    System.out.println("CRASH-CHILD-READY");
  }

  private static void createUserOnce(ConfigurableApplicationContext context) {
    if (context.getBean(CustomerRepository.class).exists("44444")) {
      return;
    }
    Actor actor = Actor.system("crash-setup");
    context
        .getBean(CustomerService.class)
        .put(
            actor,
            "44444",
            new CustomerRequest(
                "Crash Ltd",
                List.of(new CustomerRequest.DomainRequest("example.com", "127.0.0.1", 1)),
                false,
                null,
                null,
                null,
                null));
    context
        .getBean(ProvisioningService.class)
        .putAll(
            actor,
            "44444",
            List.of(
                new UserDraft(
                    USER,
                    "Crash",
                    "Crash",
                    "Test",
                    "en_GB",
                    "Europe/London",
                    null,
                    null,
                    null,
                    null,
                    List.of())));
    UserRepository users = context.getBean(UserRepository.class);
    users.setFlag(users.findByEmail(USER).orElseThrow().id(), Flag.FAILOVER, true, Instant.now());
  }

  /** Keeps the test configurations of this package out of the child's component scan. */
  static final class SkipTestHelpers extends TypeExcludeFilter {
    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
      return reader.getClassMetadata().getClassName().startsWith("io.lifeboat.testing.");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SkipTestHelpers;
    }

    @Override
    public int hashCode() {
      return SkipTestHelpers.class.hashCode();
    }
  }
}
