package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.mailstore.MailFolder;
import io.lifeboat.mailstore.MailboxPurge;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The cached folder counts (total and unread) and the search index of the mailstore, compared with
 * a recount of the messages table after mixed and concurrent changes.
 */
interface MailboxCountContract extends LifeboatFixture {

  int DELIVERY_THREADS = 4;
  int MESSAGES_PER_THREAD = 25;

  @Test
  default void folderCountsMatchRecountAfterConcurrentChanges() throws Exception {
    long userId = newMailboxUser(newTenant(), "counts");
    Mailstore mailstore = bean(Mailstore.class);
    long custom = mailstore.createFolder(userId, "Projects").id();
    long trash = mailstore.folder(userId, FolderRole.TRASH).id();
    AtomicBoolean delivering = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(DELIVERY_THREADS + 2);
    try {
      List<Future<?>> deliveries = new ArrayList<>();
      for (int t = 0; t < DELIVERY_THREADS; t++) {
        int thread = t;
        deliveries.add(pool.submit(() -> deliver(userId, thread)));
      }
      List<Future<?>> changers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        long seed = t;
        changers.add(
            pool.submit(() -> changeWhile(delivering, userId, new Random(seed), custom, trash)));
      }
      for (Future<?> delivery : deliveries) {
        delivery.get(5, TimeUnit.MINUTES);
      }
      delivering.set(false);
      for (Future<?> changer : changers) {
        changer.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(messageIds(userId)).hasSize(DELIVERY_THREADS * MESSAGES_PER_THREAD);
    assertCountsMatchRecount(userId);
  }

  @Test
  default void folderCountsMatchRecountAfterEachChange() throws Exception {
    Tenant tenant = newTenant();
    String address = tenant.address("steps");
    long userId = newMailboxUser(tenant, address);
    Mailstore mailstore = bean(Mailstore.class);
    for (int i = 0; i < 6; i++) {
      deliverOne(userId, "step-" + i, "Step " + i);
    }
    assertCountsMatchRecount(userId);
    List<Long> ids = messageIds(userId);

    long drafts = mailstore.folder(userId, FolderRole.DRAFTS).id();
    mailstore.append(userId, drafts, raw("Draft one"), Set.of(MessageFlag.SEEN));
    mailstore.append(userId, drafts, raw("Draft two"), Set.of());
    assertCountsMatchRecount(userId);

    mailstore.setFlag(userId, ids.subList(0, 4), MessageFlag.SEEN, true);
    mailstore.setFlag(userId, ids.subList(0, 4), MessageFlag.SEEN, true);
    assertCountsMatchRecount(userId);
    mailstore.setFlag(userId, ids.subList(2, 3), MessageFlag.SEEN, false);
    mailstore.setFlag(userId, ids.subList(0, 6), MessageFlag.FLAGGED, true);
    assertCountsMatchRecount(userId);

    long custom = mailstore.createFolder(userId, "Archive").id();
    mailstore.move(userId, ids.get(0), custom);
    mailstore.move(userId, ids.get(2), custom);
    mailstore.move(userId, ids.get(2), custom);
    assertCountsMatchRecount(userId);

    assertThat(mailstore.delete(userId, ids.get(3))).isEqualTo(Mailstore.Deletion.MOVED_TO_TRASH);
    assertThat(mailstore.delete(userId, ids.get(3))).isEqualTo(Mailstore.Deletion.REMOVED);
    assertCountsMatchRecount(userId);

    assertThat(mailstore.deleteFolder(userId, custom)).isEqualTo(2);
    assertCountsMatchRecount(userId);

    long trash = mailstore.folder(userId, FolderRole.TRASH).id();
    for (var message : mailstore.messages(userId, trash, 0, 100).messages()) {
      mailstore.delete(userId, message.id());
    }
    assertThat(mailstore.folder(userId, trash).total()).isZero();
    assertCountsMatchRecount(userId);

    User user = bean(UserRepository.class).findByEmail(address).orElseThrow();
    bean(MailboxPurge.class).purge(user);
    assertThat(
            jdbc()
                .sql("SELECT COUNT(*) FROM mail_folder WHERE user_id = :user")
                .param("user", userId)
                .query(Long.class)
                .single())
        .isZero();
    assertThat(mailstore.folder(userId, FolderRole.INBOX).total()).isZero();
    assertCountsMatchRecount(userId);
  }

  @Test
  default void searchFindsWordsOfOneMailboxOnly() throws Exception {
    long userId = newMailboxUser(newTenant(), "finder");
    long otherId = newMailboxUser(newTenant(), "other");
    Mailstore mailstore = bean(Mailstore.class);
    deliverOne(userId, "find-1", "Quarterly marzipan report");
    deliverOne(userId, "find-2", "Weekly update");
    deliverOne(otherId, "find-3", "Quarterly marzipan report");

    var found = mailstore.search(userId, null, "MARZIPAN quarterly", 10);
    assertThat(found.messages()).hasSize(1);
    assertThat(found.messages().getFirst().metadata().subject())
        .isEqualTo("Quarterly marzipan report");
    assertThat(found.complete()).isTrue();
    assertThat(mailstore.search(userId, null, "marzipan weekly", 10).messages()).isEmpty();
    assertThat(mailstore.search(userId, null, "sender", 10).messages()).hasSize(2);
    assertThat(mailstore.search(otherId, null, "marzipan", 10).messages()).hasSize(1);
  }

  /** Creates a user of {@code tenant}; {@code name} is a local part or a whole address. */
  private long newMailboxUser(Tenant tenant, String name) {
    String address = name.contains("@") ? name : tenant.address(name);
    tenant.create(UserBody.of(address));
    return bean(UserRepository.class).findByEmail(address).orElseThrow().id();
  }

  private Void deliver(long userId, int thread) throws Exception {
    for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
      deliverOne(userId, "t" + thread + "-" + i, "Thread " + thread + " message " + i);
    }
    return null;
  }

  private void deliverOne(long userId, String key, String subject) throws Exception {
    Path file = Files.createTempFile(dataDir(), "count-", ".eml");
    Files.write(file, message(subject).getBytes(StandardCharsets.UTF_8));
    assertThat(bean(LocalDelivery.class).deliverToInbox(userId, key, file)).isTrue();
    Files.delete(file);
  }

  /** Marks, unmarks, moves and deletes random messages until the deliveries are done. */
  private Void changeWhile(
      AtomicBoolean delivering, long userId, Random random, long custom, long trash) {
    Mailstore mailstore = bean(Mailstore.class);
    while (delivering.get()) {
      List<Long> ids = messageIds(userId);
      if (ids.isEmpty()) {
        Thread.onSpinWait();
        continue;
      }
      List<Long> some = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        some.add(ids.get(random.nextInt(ids.size())));
      }
      mailstore.setFlag(userId, some, MessageFlag.SEEN, random.nextBoolean());
      long id = ids.get(random.nextInt(ids.size()));
      switch (random.nextInt(3)) {
        case 0 -> mailstore.move(userId, id, custom);
        case 1 -> mailstore.move(userId, id, trash);
        default -> mailstore.setFlag(userId, id, MessageFlag.SEEN, false);
      }
    }
    return null;
  }

  private List<Long> messageIds(long userId) {
    return jdbc()
        .sql("SELECT id FROM mail_message WHERE user_id = :user ORDER BY id")
        .param("user", userId)
        .query(Long.class)
        .list();
  }

  private void assertCountsMatchRecount(long userId) {
    List<MailFolder> folders = bean(Mailstore.class).folders(userId);
    assertThat(folders).isNotEmpty();
    for (MailFolder folder : folders) {
      long total =
          jdbc()
              .sql("SELECT COUNT(*) FROM mail_message WHERE folder_id = :folder")
              .param("folder", folder.id())
              .query(Long.class)
              .single();
      long unread =
          jdbc()
              .sql("SELECT COUNT(*) FROM mail_message WHERE folder_id = :folder AND seen = FALSE")
              .param("folder", folder.id())
              .query(Long.class)
              .single();
      assertThat(folder.total()).as("total of folder %s", folder.name()).isEqualTo(total);
      assertThat(folder.unread()).as("unread of folder %s", folder.name()).isEqualTo(unread);
    }
  }

  private static ByteArrayInputStream raw(String subject) {
    return new ByteArrayInputStream(message(subject).getBytes(StandardCharsets.UTF_8));
  }

  private static String message(String subject) {
    return "From: Count Sender <sender@counts.example>\r\n"
        + "To: Reader <reader@counts.example>\r\n"
        + "Subject: "
        + subject
        + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "Body of "
        + subject
        + "\r\n";
  }
}
