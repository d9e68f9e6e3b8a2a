package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lifeboat.audit.Actor;
import io.lifeboat.blob.BlobStore;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.PurgeJob;
import io.lifeboat.mailstore.MailboxKeys.WrappedKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class MailboxPurgeTest extends MailstoreTestSupport {

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;
  @Autowired BlobStore blobStore;
  @Autowired MailboxKeys keys;
  @Autowired MailboxRepository mailboxes;
  @Autowired DirectoryService directory;
  @Autowired PurgeJob purgeJob;
  @Autowired JdbcClient jdbc;

  @Test
  void purgeDestroysKeyRowsAndBlobs() throws IOException {
    long user = newUser("leaving");
    long neighbour = newUser("staying");
    Path file = messageFile(MailstoreTest.message("Before the purge", "old mail"));
    delivery.deliverToInbox(user, "purge-1", file);
    delivery.deliverToInbox(neighbour, "purge-2", file);
    String blobKey = blobKeyOf(user);
    byte[] backupCopy;
    try (InputStream in = blobStore.open(blobKey)) {
      backupCopy = in.readAllBytes();
    }
    assertArrayEquals(
        Files.readAllBytes(file),
        decryptWithAnyStoredKey(user, blobKey, backupCopy).orElseThrow(),
        "before the purge the copy must decrypt, or the check below proves nothing");

    directory.delete(Actor.system("mailstore-test"), customerId(), "leaving@" + domain());
    jdbc.sql("UPDATE user_state SET deletion_due = :past WHERE user_id = :id")
        .param("past", Timestamp.from(Instant.now().minusSeconds(60)))
        .param("id", user)
        .update();
    assertTrue(purgeJob.purgeDue() >= 1);

    assertEquals(Optional.empty(), mailboxes.findKeys(user));
    assertEquals(0, count("SELECT COUNT(*) FROM mail_message WHERE user_id = :id", user));
    assertEquals(0, count("SELECT COUNT(*) FROM mail_folder WHERE user_id = :id", user));
    assertFalse(blobStore.exists(blobKey));
    assertEquals(Optional.empty(), decryptWithAnyStoredKey(user, blobKey, backupCopy));
    assertEquals(1, mailstore.folder(neighbour, FolderRole.INBOX).total());
  }

  /**
   * Tries every data keyset left in the database as if it belonged to {@code user}; returns the
   * plaintext if one decrypts the blob copy.
   */
  private Optional<byte[]> decryptWithAnyStoredKey(long user, String blobKey, byte[] ciphertext) {
    List<WrappedKeys> stored =
        jdbc.sql("SELECT raw_keyset, field_keyset FROM mailbox")
            .query((rs, n) -> new WrappedKeys(rs.getBytes(1), rs.getBytes(2)))
            .list();
    for (WrappedKeys wrapped : stored) {
      try {
        MailboxCipher cipher = keys.open(user, wrapped);
        try (InputStream in =
            cipher.decryptingStream(new ByteArrayInputStream(ciphertext), blobKey)) {
          return Optional.of(in.readAllBytes());
        }
      } catch (IOException | RuntimeException wrongKey) {
        // Not this mailbox's key; try the next one.
      }
    }
    return Optional.empty();
  }

  private String blobKeyOf(long user) {
    return jdbc.sql("SELECT blob_key FROM mail_message WHERE user_id = :id")
        .param("id", user)
        .query(String.class)
        .single();
  }

  private long count(String sql, long user) {
    return jdbc.sql(sql).param("id", user).query(Long.class).single();
  }
}
