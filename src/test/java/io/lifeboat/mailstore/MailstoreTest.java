package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.audit.Actor;
import io.lifeboat.blob.BlobStore;
import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class MailstoreTest extends MailstoreTestSupport {

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;
  @Autowired BlobStore blobStore;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired DirectoryService directory;

  @Test
  void deliveredMessageIsListedInInboxWithMetadata() throws IOException {
    long user = newUser("reader");
    Path file = messageFile(message("Quarterly figures", "Numbers attached."));

    assertTrue(delivery.deliverToInbox(user, "q1:reader", file));

    MailFolder inbox = mailstore.folder(user, FolderRole.INBOX);
    assertEquals(1, inbox.total());
    assertEquals(1, inbox.unread());
    MessagePage page = mailstore.messages(user, inbox.id(), 0, 50);
    assertEquals(1, page.total());
    StoredMessage stored = page.messages().getFirst();
    assertEquals("Quarterly figures", stored.metadata().subject());
    assertEquals("sender@example.org", stored.metadata().from().getFirst().address());
    assertEquals("Numbers attached.", stored.metadata().snippet());
    assertEquals(Files.size(file), stored.size());
    assertEquals(Set.of(), stored.flags());
  }

  @Test
  void openRawReturnsExactBytes() throws IOException {
    long user = newUser("raw");
    Path file = messageFile(message("Raw bytes", "Line one\nLine two"));
    delivery.deliverToInbox(user, "raw-1", file);
    long id = onlyMessage(user).id();

    try (InputStream in = mailstore.openRaw(user, id)) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
  }

  @Test
  void repeatedDeliveryKeyStoresOnce() throws IOException {
    long user = newUser("twice");
    Path file = messageFile(message("Once only", "body"));

    assertTrue(delivery.deliverToInbox(user, "queue-7:twice", file));
    assertFalse(delivery.deliverToInbox(user, "queue-7:twice", file));

    assertEquals(1, mailstore.folder(user, FolderRole.INBOX).total());
    long blobs =
        jdbc.sql("SELECT COUNT(*) FROM mail_message WHERE user_id = :u")
            .param("u", user)
            .query(Long.class)
            .single();
    assertEquals(1, blobs);
  }

  @Test
  void sameDeliveryKeyForAnotherUserIsStored() throws IOException {
    long first = newUser("key-a");
    long second = newUser("key-b");
    Path file = messageFile(message("Shared key", "body"));

    assertTrue(delivery.deliverToInbox(first, "queue-9", file));
    assertTrue(delivery.deliverToInbox(second, "queue-9", file));
  }

  @Test
  void deliveryToUnknownUserIsNotFound() {
    Path file = messageFile(message("Nobody", "body"));
    NotFoundException e =
        assertThrows(
            NotFoundException.class, () -> delivery.deliverToInbox(987_654_321L, "k", file));
    assertTrue(e.getMessage().contains("987654321"), e.getMessage());
  }

  @Test
  void deliveryToDeletedUserIsNotFound() {
    long user = newUser("gone");
    directory.delete(Actor.system("mailstore-test"), customerId(), "gone@" + domain());
    Path file = messageFile(message("Too late", "body"));

    NotFoundException e =
        assertThrows(NotFoundException.class, () -> delivery.deliverToInbox(user, "k", file));
    assertTrue(e.getMessage().contains("deleted"), e.getMessage());
  }

  @Test
  void blankDeliveryKeyIsRejected() {
    long user = newUser("blank-key");
    Path file = messageFile(message("x", "y"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> delivery.deliverToInbox(user, " ", file));
    assertTrue(e.getMessage().contains("delivery key"), e.getMessage());
  }

  @Test
  void unparseableMessageIsStoredRawAndCounted() throws IOException {
    long user = newUser("broken");
    double before = meters.counter(MailstoreMetrics.PARSE_FAILURES).count();
    String broken = "Subject: broken\nX-Huge: " + "x".repeat(2 * 1024 * 1024) + "\n\nbody\n";
    Path file = messageFile(broken);

    assertTrue(delivery.deliverToInbox(user, "broken-1", file));

    StoredMessage stored = onlyMessage(user);
    assertFalse(stored.metadata().parsed());
    assertEquals("broken", stored.metadata().subject());
    assertEquals(before + 1, meters.counter(MailstoreMetrics.PARSE_FAILURES).count());
    try (InputStream in = mailstore.openRaw(user, stored.id())) {
      assertArrayEquals(Files.readAllBytes(file), in.readAllBytes());
    }
  }

  @Test
  void deliverAndOpenAreTimed() throws IOException {
    long user = newUser("timed");
    delivery.deliverToInbox(user, "timed-1", messageFile(message("t", "b")));
    mailstore.openRaw(user, onlyMessage(user).id()).close();

    assertTrue(
        meters
                .get(MailstoreMetrics.CALLS)
                .tag("call", "deliver")
                .tag("outcome", "stored")
                .timer()
                .count()
            >= 1);
    assertTrue(
        meters.get(MailstoreMetrics.CALLS).tag("call", "open").tag("outcome", "ok").timer().count()
            >= 1);
  }

  @Test
  void systemFoldersAppearAtFirstUse() {
    long user = newUser("folders");

    List<MailFolder> initial = mailstore.folders(user);
    assertEquals(List.of(FolderRole.INBOX), initial.stream().map(MailFolder::role).toList());

    mailstore.folder(user, FolderRole.TRASH);
    mailstore.folder(user, FolderRole.SENT);
    mailstore.folder(user, FolderRole.DRAFTS);
    mailstore.createFolder(user, "Projects");

    List<MailFolder> folders = mailstore.folders(user);
    assertEquals(
        List.of("Inbox", "Drafts", "Sent", "Trash", "Projects"),
        folders.stream().map(MailFolder::name).toList());
  }

  @Test
  void emptyFoldersCountNothingUnread() {
    long user = newUser("empty-counts");
    long drafts = mailstore.folder(user, FolderRole.DRAFTS).id();

    for (MailFolder folder : mailstore.folders(user)) {
      assertEquals(0, folder.total(), folder.name() + " total");
      assertEquals(0, folder.unread(), folder.name() + " unread");
    }
    assertEquals(0, mailstore.folder(user, drafts).unread());
  }

  @Test
  void customFolderNamesAreValidated() {
    long user = newUser("names");
    mailstore.createFolder(user, "Receipts");

    assertThrows(InvalidInputException.class, () -> mailstore.createFolder(user, "  "));
    assertThrows(InvalidInputException.class, () -> mailstore.createFolder(user, "a/b"));
    assertThrows(InvalidInputException.class, () -> mailstore.createFolder(user, "tab\there"));
    assertThrows(InvalidInputException.class, () -> mailstore.createFolder(user, "x".repeat(201)));
    InvalidInputException reserved =
        assertThrows(InvalidInputException.class, () -> mailstore.createFolder(user, "inbox"));
    assertTrue(reserved.getMessage().contains("system folder"), reserved.getMessage());
    ConflictException duplicate =
        assertThrows(ConflictException.class, () -> mailstore.createFolder(user, " RECEIPTS "));
    assertTrue(duplicate.getMessage().contains("Receipts"), duplicate.getMessage());
  }

  @Test
  void onlyCustomFoldersAreRenamed() {
    long user = newUser("rename");
    MailFolder folder = mailstore.createFolder(user, "Old name");

    MailFolder renamed = mailstore.renameFolder(user, folder.id(), "New name");

    assertEquals("New name", renamed.name());
    assertEquals(folder.id(), renamed.id());
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    assertThrows(InvalidInputException.class, () -> mailstore.renameFolder(user, inbox, "Mine"));
    assertThrows(InvalidInputException.class, () -> mailstore.deleteFolder(user, inbox));
  }

  @Test
  void deletingFolderMovesItsMessagesToTrash() throws IOException {
    long user = newUser("delete-folder");
    delivery.deliverToInbox(user, "df-1", messageFile(message("Keep me", "b")));
    MailFolder folder = mailstore.createFolder(user, "Temporary");
    mailstore.move(user, onlyMessage(user).id(), folder.id());

    assertEquals(1, mailstore.deleteFolder(user, folder.id()));

    MailFolder trash = mailstore.folder(user, FolderRole.TRASH);
    assertEquals(1, trash.total());
    assertThrows(NotFoundException.class, () -> mailstore.folder(user, folder.id()));
  }

  @Test
  void folderListIsPagedNewestFirst() throws IOException {
    long user = newUser("paging");
    for (int i = 1; i <= 5; i++) {
      delivery.deliverToInbox(user, "p-" + i, messageFile(message("Message " + i, "b")));
    }
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();

    MessagePage first = mailstore.messages(user, inbox, 0, 2);
    MessagePage last = mailstore.messages(user, inbox, 4, 2);

    assertEquals(5, first.total());
    assertEquals(
        List.of("Message 5", "Message 4"),
        first.messages().stream().map(m -> m.metadata().subject()).toList());
    assertEquals(
        List.of("Message 1"), last.messages().stream().map(m -> m.metadata().subject()).toList());
    assertThrows(InvalidInputException.class, () -> mailstore.messages(user, inbox, 0, 0));
    assertThrows(InvalidInputException.class, () -> mailstore.messages(user, inbox, 0, 201));
    assertThrows(InvalidInputException.class, () -> mailstore.messages(user, inbox, -1, 10));
  }

  @Test
  void flagsAreSetClearedAndCountedAsUnread() throws IOException {
    long user = newUser("flags");
    delivery.deliverToInbox(user, "f-1", messageFile(message("One", "b")));
    delivery.deliverToInbox(user, "f-2", messageFile(message("Two", "b")));
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    List<Long> ids =
        mailstore.messages(user, inbox, 0, 10).messages().stream().map(StoredMessage::id).toList();

    mailstore.setFlag(user, ids.get(0), MessageFlag.SEEN, true);
    mailstore.setFlag(user, ids.get(0), MessageFlag.FLAGGED, true);
    mailstore.setFlag(user, ids.get(0), MessageFlag.ANSWERED, true);
    mailstore.setFlag(user, ids.get(0), MessageFlag.DELETED, true);
    mailstore.setFlag(user, ids.get(0), MessageFlag.DELETED, false);

    assertEquals(
        EnumSet.of(MessageFlag.SEEN, MessageFlag.FLAGGED, MessageFlag.ANSWERED),
        mailstore.message(user, ids.get(0)).flags());
    assertEquals(1, mailstore.folder(user, inbox).unread());
    assertEquals(2, mailstore.setFlag(user, ids, MessageFlag.SEEN, true));
    assertEquals(0, mailstore.folder(user, inbox).unread());
  }

  @Test
  void deleteInTrashRemovesBlob() throws IOException {
    long user = newUser("trash");
    delivery.deliverToInbox(user, "t-1", messageFile(message("Bin me", "b")));
    long id = onlyMessage(user).id();
    String blobKey =
        jdbc.sql("SELECT blob_key FROM mail_message WHERE id = :id")
            .param("id", id)
            .query(String.class)
            .single();

    assertEquals(Mailstore.Deletion.MOVED_TO_TRASH, mailstore.delete(user, id));
    assertEquals(
        mailstore.folder(user, FolderRole.TRASH).id(), mailstore.message(user, id).folderId());
    assertTrue(blobStore.exists(blobKey));

    assertEquals(Mailstore.Deletion.REMOVED, mailstore.delete(user, id));
    assertFalse(blobStore.exists(blobKey));
    assertThrows(NotFoundException.class, () -> mailstore.message(user, id));
  }

  @Test
  void appendStoresSentMessageWithFlags() throws IOException {
    long user = newUser("sender");
    MailFolder sent = mailstore.folder(user, FolderRole.SENT);
    byte[] raw = message("Sent by me", "Hello there").getBytes(StandardCharsets.UTF_8);

    long id =
        mailstore.append(user, sent.id(), new ByteArrayInputStream(raw), Set.of(MessageFlag.SEEN));

    StoredMessage stored = mailstore.message(user, id);
    assertEquals(sent.id(), stored.folderId());
    assertEquals(Set.of(MessageFlag.SEEN), stored.flags());
    assertEquals("Sent by me", stored.metadata().subject());
    assertEquals(0, mailstore.folder(user, sent.id()).unread());
    try (InputStream in = mailstore.openRaw(user, id)) {
      assertArrayEquals(raw, in.readAllBytes());
    }
  }

  @Test
  void otherUsersMessagesAndFoldersAreNotFound() throws IOException {
    long owner = newUser("owner");
    long intruder = newUser("intruder");
    delivery.deliverToInbox(owner, "o-1", messageFile(message("Private", "secret plans")));
    long message = onlyMessage(owner).id();
    long ownerInbox = mailstore.folder(owner, FolderRole.INBOX).id();
    MailFolder ownerFolder = mailstore.createFolder(owner, "Mine");
    long intruderInbox = mailstore.folder(intruder, FolderRole.INBOX).id();

    assertThrows(NotFoundException.class, () -> mailstore.message(intruder, message));
    assertThrows(NotFoundException.class, () -> mailstore.openRaw(intruder, message));
    assertThrows(
        NotFoundException.class,
        () -> mailstore.setFlag(intruder, message, MessageFlag.SEEN, true));
    assertEquals(0, mailstore.setFlag(intruder, List.of(message), MessageFlag.SEEN, true));
    assertThrows(NotFoundException.class, () -> mailstore.move(intruder, message, intruderInbox));
    assertThrows(NotFoundException.class, () -> mailstore.move(owner, message, intruderInbox));
    assertThrows(NotFoundException.class, () -> mailstore.delete(intruder, message));
    assertThrows(NotFoundException.class, () -> mailstore.messages(intruder, ownerInbox, 0, 10));
    assertThrows(
        NotFoundException.class, () -> mailstore.renameFolder(intruder, ownerFolder.id(), "x"));
    assertThrows(NotFoundException.class, () -> mailstore.deleteFolder(intruder, ownerFolder.id()));
    assertThrows(
        NotFoundException.class,
        () -> mailstore.append(intruder, ownerInbox, InputStream.nullInputStream(), Set.of()));

    StoredMessage untouched = mailstore.message(owner, message);
    assertEquals(Set.of(), untouched.flags());
    assertEquals(ownerInbox, untouched.folderId());
  }

  @Test
  void metadataMovedToAnotherRowDoesNotDecrypt() throws IOException {
    long user = newUser("swap");
    delivery.deliverToInbox(user, "s-1", messageFile(message("First", "b")));
    delivery.deliverToInbox(user, "s-2", messageFile(message("Second", "b")));
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    List<Long> ids =
        mailstore.messages(user, inbox, 0, 10).messages().stream().map(StoredMessage::id).toList();
    byte[] metadataOfFirst =
        jdbc.sql("SELECT metadata FROM mail_message WHERE id = :id")
            .param("id", ids.get(0))
            .query(byte[].class)
            .single();
    jdbc.sql("UPDATE mail_message SET metadata = :m WHERE id = :id")
        .param("m", metadataOfFirst)
        .param("id", ids.get(1))
        .update();

    StoredMessage tampered = mailstore.message(user, ids.get(1));

    assertNull(tampered.metadata().subject());
    assertFalse(tampered.metadata().parsed());
  }

  @Test
  void blobMovedToAnotherKeyFailsToRead() throws IOException {
    long user = newUser("blobswap");
    delivery.deliverToInbox(user, "b-1", messageFile(message("First", "one")));
    delivery.deliverToInbox(user, "b-2", messageFile(message("Second", "two")));
    List<String> keys =
        jdbc.sql("SELECT blob_key FROM mail_message WHERE user_id = :u ORDER BY id")
            .param("u", user)
            .query(String.class)
            .list();
    try (InputStream first = blobStore.open(keys.get(0))) {
      blobStore.put(keys.get(1), first);
    }
    long second =
        jdbc.sql("SELECT id FROM mail_message WHERE blob_key = :k")
            .param("k", keys.get(1))
            .query(Long.class)
            .single();

    assertThrows(
        IOException.class,
        () -> {
          try (InputStream in = mailstore.openRaw(user, second)) {
            in.readAllBytes();
          }
        });
  }

  private StoredMessage onlyMessage(long user) {
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    List<StoredMessage> messages = mailstore.messages(user, inbox, 0, 10).messages();
    assertEquals(1, messages.size());
    return messages.getFirst();
  }

  static String message(String subject, String body) {
    return """
        From: Sender <sender@example.org>
        To: list@example.net
        Subject: %s
        Date: Wed, 2 Dec 2026 09:00:00 +0000
        Message-ID: <%s@example.org>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        %s
        """
        .formatted(subject, java.util.UUID.randomUUID(), body);
  }
}
