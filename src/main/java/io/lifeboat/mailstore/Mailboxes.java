package io.lifeboat.mailstore;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.MailboxKeys.WrappedKeys;
import io.lifeboat.mailstore.MailboxRepository.Owner;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Creates mailboxes on first use and opens their data keys. */
@Component
class Mailboxes {

  private static final Logger log = LoggerFactory.getLogger(Mailboxes.class);

  private final MailboxRepository mailboxes;
  private final FolderRepository folders;
  private final MailboxKeys keys;
  private final TransactionTemplate transactions;
  private final Clock clock;

  Mailboxes(
      MailboxRepository mailboxes,
      FolderRepository folders,
      MailboxKeys keys,
      TransactionTemplate transactions,
      Clock clock) {
    this.mailboxes = mailboxes;
    this.folders = folders;
    this.keys = keys;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Returns the directory facts of a user.
   *
   * @throws NotFoundException when the user does not exist
   */
  Owner owner(long userId) {
    return mailboxes.owner(userId).orElseThrow(() -> userNotFound(userId));
  }

  /**
   * Opens the data keys of a user's mailbox, creating the mailbox with fresh keys and its Inbox on
   * first use.
   *
   * @throws NotFoundException when the user does not exist
   */
  MailboxCipher open(long userId) {
    Optional<WrappedKeys> existing = mailboxes.findKeys(userId);
    if (existing.isPresent()) {
      return keys.open(userId, existing.get());
    }
    Owner owner = owner(userId);
    WrappedKeys fresh = keys.generate(userId);
    boolean created =
        Boolean.TRUE.equals(
            transactions.execute(
                status -> {
                  boolean inserted = mailboxes.insertIfAbsent(userId, fresh, clock.instant());
                  folders.insertIfAbsent(userId, FolderRole.INBOX, clock.instant());
                  return inserted;
                }));
    if (created) {
      log.info("Created mailbox customer={} user={}", owner.customerId(), userId);
    }
    // A concurrent first delivery may have won the insert; its keys are the mailbox's keys.
    WrappedKeys stored = mailboxes.findKeys(userId).orElseThrow(() -> userNotFound(userId));
    return keys.open(userId, stored);
  }

  static NotFoundException userNotFound(long userId) {
    return new NotFoundException("user " + userId + " not found");
  }
}
