package io.lifeboat.mailstore;

import io.lifeboat.mailstore.MessageRepository.Placement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes to existing messages that alter folder counts: the seen flag, moves and removal. Each
 * runs in one transaction that first locks the mailbox row, so two changes of one mailbox never
 * read the same message state and both adjust the counts for it. Deliveries and appends do not take
 * the lock: they only add new rows, and {@link FolderRepository#addCounts} is an atomic increment.
 */
@Component
class MessageChanges {

  private final MessageRepository messages;
  private final FolderRepository folders;
  private final MailboxRepository mailboxes;
  private final TransactionTemplate transactions;

  MessageChanges(
      MessageRepository messages,
      FolderRepository folders,
      MailboxRepository mailboxes,
      TransactionTemplate transactions) {
    this.messages = messages;
    this.folders = folders;
    this.mailboxes = mailboxes;
    this.transactions = transactions;
  }

  /**
   * Sets or clears the seen flag on those of {@code ids} that belong to the user and moves the
   * difference into the unread counts; returns how many messages matched.
   */
  int setSeen(long userId, Collection<Long> ids, boolean seen) {
    if (ids.isEmpty()) {
      return 0;
    }
    return transactions.execute(
        status -> {
          if (!mailboxes.lock(userId)) {
            // No mailbox yet, so none of the ids is one of its messages.
            return 0;
          }
          List<Placement> matched = messages.placements(userId, ids);
          List<Long> changed =
              matched.stream().filter(p -> p.seen() != seen).map(Placement::id).toList();
          if (!changed.isEmpty()) {
            messages.setFlag(userId, changed, MessageFlag.SEEN, seen);
            Map<Long, Long> perFolder = new HashMap<>();
            for (Placement placement : matched) {
              if (placement.seen() != seen) {
                perFolder.merge(placement.folderId(), 1L, Long::sum);
              }
            }
            perFolder.forEach(
                (folderId, count) -> folders.addCounts(userId, folderId, 0, seen ? -count : count));
          }
          return matched.size();
        });
  }

  /** Moves a message to another folder of the mailbox; returns false when it does not exist. */
  boolean move(long userId, long messageId, long folderId) {
    return inMailboxLock(
        userId,
        () -> {
          List<Placement> found = messages.placements(userId, List.of(messageId));
          if (found.isEmpty()) {
            return false;
          }
          Placement placement = found.getFirst();
          if (placement.folderId() == folderId) {
            return true;
          }
          messages.move(userId, messageId, folderId);
          long unread = placement.seen() ? 0 : 1;
          folders.addCounts(userId, placement.folderId(), -1, -unread);
          folders.addCounts(userId, folderId, 1, unread);
          return true;
        });
  }

  /** Deletes a message row; returns false when it does not exist. */
  boolean remove(long userId, long messageId) {
    return inMailboxLock(
        userId,
        () -> {
          List<Placement> found = messages.placements(userId, List.of(messageId));
          if (found.isEmpty() || !messages.delete(userId, messageId)) {
            return false;
          }
          Placement placement = found.getFirst();
          folders.addCounts(userId, placement.folderId(), -1, placement.seen() ? 0 : -1);
          return true;
        });
  }

  /**
   * Moves every message of a folder to another and deletes the emptied folder; returns how many
   * messages moved.
   */
  long moveAllAndDeleteFolder(long userId, long fromFolderId, long toFolderId) {
    return inMailboxLock(
        userId,
        () -> {
          // Two updates, so the moved unread messages are counted exactly by the second.
          long read = messages.moveAll(userId, fromFolderId, toFolderId, true);
          long unread = messages.moveAll(userId, fromFolderId, toFolderId, false);
          folders.addCounts(userId, toFolderId, read + unread, unread);
          folders.delete(userId, fromFolderId);
          return read + unread;
        });
  }

  private <T> T inMailboxLock(long userId, Supplier<T> work) {
    return transactions.execute(
        status -> {
          if (!mailboxes.lock(userId)) {
            throw Mailboxes.userNotFound(userId);
          }
          return work.get();
        });
  }
}
