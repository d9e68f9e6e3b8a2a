package io.lifeboat.testing;

import io.lifeboat.LifeboatApplication;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.delivery.QueueRepository;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessagePage;
import io.lifeboat.mailstore.StoredMessage;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The Lifeboat application as a child process of {@code CrashRecoveryTest}: the real application
 * with its encrypted mailstore, a customer for example.com and the user {@code crash@example.com}
 * in failover. Test helpers of this package are kept out of its component scan.
 *
 * <p>When the file named by {@code -Dcrash.report-request} appears, the child deletes it and writes
 * a report of the user's Inbox, read back through {@link Mailstore}, to {@code -Dcrash.report}: the
 * queue depth on the first line, then one line per stored message with its Message-ID and whether
 * its decrypted content is complete.
 */
public final class CrashChild {

  public static final String USER = "crash@example.com";
  private static final int PAGE_SIZE = 100;

  private CrashChild() {}

  public static void main(String[] args) {
    ConfigurableApplicationContext context = startApplication(args);
    createUserOnce(context);
    Path request = Path.of(System.getProperty("crash.report-request"));
    Path report = Path.of(System.getProperty("crash.report"));
    Thread.ofPlatform()
        .daemon()
        .name("crash-report")
        .start(() -> answerReports(context, request, report));
    System.out.println("CRASH-CHILD-READY");
  }

  private static void answerReports(
      ConfigurableApplicationContext context, Path request, Path report) {
    while (true) {
      try {
        if (Files.deleteIfExists(request)) {
          Path temporary = report.resolveSibling(report.getFileName() + ".tmp");
          Files.write(temporary, report(context));
          Files.move(temporary, report, StandardCopyOption.ATOMIC_MOVE);
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        e.printStackTrace();
      }
    }
  }

  /**
   * Lists the Inbox of {@link #USER}: {@code depth <n>}, the Inbox's cached count as {@code total
   * <n>} and its rows counted in the database as {@code rows <n>}, then {@code message <Message-ID>
   * <complete|incomplete|undecryptable>} per message.
   */
  private static List<String> report(ConfigurableApplicationContext context) {
    Mailstore mailstore = context.getBean(Mailstore.class);
    long userId = context.getBean(UserRepository.class).findByEmail(USER).orElseThrow().id();
    List<String> lines = new ArrayList<>();
    lines.add("depth " + context.getBean(QueueRepository.class).depth());
    long inbox = mailstore.folder(userId, FolderRole.INBOX).id();
    lines.add("total " + mailstore.folder(userId, FolderRole.INBOX).total());
    JdbcClient jdbc = context.getBean(JdbcClient.class);
    lines.add(
        "rows "
            + jdbc.sql("SELECT COUNT(*) FROM mail_message WHERE folder_id = :folder")
                .param("folder", inbox)
                .query(Long.class)
                .single());
    lines.add(
        "indexed "
            + jdbc.sql(
                    "SELECT COUNT(*) FROM mail_message WHERE folder_id = :folder AND indexed = TRUE")
                .param("folder", inbox)
                .query(Long.class)
                .single());
    for (int offset = 0; ; offset += PAGE_SIZE) {
      MessagePage page = mailstore.messages(userId, inbox, offset, PAGE_SIZE);
      for (StoredMessage message : page.messages()) {
        lines.add(
            "message "
                + message.metadata().messageId()
                + " "
                + content(mailstore, userId, message));
      }
      if (offset + PAGE_SIZE >= page.total()) {
        return lines;
      }
    }
  }

  /** Decrypts a stored message and checks that it ends with the line that closes its body. */
  private static String content(Mailstore mailstore, long userId, StoredMessage message) {
    String text;
    try (InputStream raw = mailstore.openRaw(userId, message.id())) {
      text = new String(raw.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return "undecryptable";
    }
    String subject = message.metadata().subject();
    return subject != null && text.endsWith("END " + subject + "\r\n") ? "complete" : "incomplete";
  }

  /**
   * Starts the Lifeboat application with {@code args}, without the test helpers of this package.
   */
  public static ConfigurableApplicationContext startApplication(String... args) {
    SpringApplication application = new SpringApplication(LifeboatApplication.class);
    application.addInitializers(
        context ->
            context.getBeanFactory().registerSingleton("skipTestHelpers", new SkipTestHelpers()));
    return application.run(args);
  }

  /** Creates customer 44444 with example.com and {@link #USER} in failover, unless it exists. */
  public static void createUserOnce(ConfigurableApplicationContext context) {
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
  public static final class SkipTestHelpers extends TypeExcludeFilter {
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
