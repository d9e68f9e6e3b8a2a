package io.lifeboat.mailstore;

import io.lifeboat.blob.BlobStore;
import io.lifeboat.directory.MailboxPurger;
import io.lifeboat.directory.User;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Destroys the mailbox of a purged user: the row with its wrapped data keys, which makes every copy
 * of its blobs undecryptable, then its folders and messages, then the blobs themselves.
 *
 * <p>The blobs are deleted only after the purge transaction commits, because a rollback (the user
 * was restored meanwhile) must leave a mailbox whose blobs still exist.
 *
 * <p>NOTE: database backups and, until vacuum or compaction, the database files may still hold the
 * wrapped data keys. Those stay readable with the master key, so only a new master key makes old
 * database backups useless.
 */
@Component
public class MailboxPurge implements MailboxPurger {

  private static final Logger log = LoggerFactory.getLogger(MailboxPurge.class);

  private final MailboxRepository mailboxes;
  private final BlobStore blobStore;

  public MailboxPurge(MailboxRepository mailboxes, BlobStore blobStore) {
    this.mailboxes = mailboxes;
    this.blobStore = blobStore;
  }

  @Override
  public void purge(User user) {
    boolean existed = mailboxes.delete(user.id());
    log.info(
        "Destroyed data keys of mailbox customer={} user={} existed={}",
        user.customerId(),
        user.id(),
        existed);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              deleteBlobs(user);
            }
          });
    } else {
      deleteBlobs(user);
    }
  }

  private void deleteBlobs(User user) {
    String prefix = MessageWriter.blobPrefix(user.id());
    try {
      long deleted = blobStore.deleteAll(prefix);
      log.info(
          "Deleted blobs of purged mailbox customer={} user={} blobs={}",
          user.customerId(),
          user.id(),
          deleted);
    } catch (IOException | RuntimeException e) {
      // The data keys are gone, so the blobs are unreadable; they only take space now.
      log.error(
          "Deleting blobs of purged mailbox failed customer={} user={}; delete blob prefix {}"
              + " by hand",
          user.customerId(),
          user.id(),
          prefix,
          e);
    }
  }
}
