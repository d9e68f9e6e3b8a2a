package io.lifeboat.mailstore;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.MailboxRepository.Owner;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers received messages into standby mailboxes for the delivery queue. A message is parsed,
 * encrypted and written to the blob store in one pass, and its row is committed after the blob is
 * on disk; {@code true} is returned only after that commit.
 */
@Component
public class InboxDelivery implements LocalDelivery {

  private static final Logger log = LoggerFactory.getLogger(InboxDelivery.class);

  /** Maximum length of a delivery key, the column width of {@code mail_message.delivery_key}. */
  static final int MAX_DELIVERY_KEY_LENGTH = 255;

  private final Mailboxes mailboxes;
  private final FolderRepository folders;
  private final MessageRepository messages;
  private final MessageWriter writer;
  private final MailstoreMetrics metrics;
  private final Clock clock;

  InboxDelivery(
      Mailboxes mailboxes,
      FolderRepository folders,
      MessageRepository messages,
      MessageWriter writer,
      MailstoreMetrics metrics,
      Clock clock) {
    this.mailboxes = mailboxes;
    this.folders = folders;
    this.messages = messages;
    this.writer = writer;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NotFoundException when the user does not exist or is deleted, which is permanent
   * @throws IllegalArgumentException when the delivery key is blank or too long
   * @throws IOException when the message cannot be read or the blob store fails, which is worth a
   *     retry
   */
  @Override
  public boolean deliverToInbox(long userId, String deliveryKey, MessageSource source)
      throws IOException {
    requireValidKey(deliveryKey);
    Timer.Sample sample = metrics.start();
    String outcome = "failed";
    try {
      Owner owner = mailboxes.owner(userId);
      if (owner.deleted()) {
        throw new NotFoundException("user " + userId + " is deleted; its mailbox takes no mail");
      }
      if (messages.existsDelivery(userId, deliveryKey)) {
        outcome = "duplicate";
        logDuplicate(owner, userId, deliveryKey);
        return false;
      }
      MailboxCipher cipher = mailboxes.open(userId);
      long inbox = folders.idOf(userId, FolderRole.INBOX).orElseThrow();
      MessageWriter.Stored stored;
      try (InputStream raw = new BufferedInputStream(source.open(), 64 * 1024)) {
        stored = writer.store(cipher, inbox, deliveryKey, raw, Set.of(), clock.instant());
      }
      if (stored.messageId().isEmpty()) {
        outcome = "duplicate";
        logDuplicate(owner, userId, deliveryKey);
        return false;
      }
      outcome = "stored";
      log.info(
          "Delivered message to Inbox customer={} user={} deliveryKey={} message={} bytes={}"
              + " parsed={}",
          owner.customerId(),
          userId,
          deliveryKey,
          stored.messageId().getAsLong(),
          stored.written().size(),
          stored.written().parsed());
      return true;
    } finally {
      metrics.stop(sample, "deliver", outcome);
    }
  }

  private static void logDuplicate(Owner owner, long userId, String deliveryKey) {
    log.info(
        "Delivery already stored customer={} user={} deliveryKey={}; nothing stored again",
        owner.customerId(),
        userId,
        deliveryKey);
  }

  private static void requireValidKey(String deliveryKey) {
    if (deliveryKey == null
        || deliveryKey.isBlank()
        || deliveryKey.length() > MAX_DELIVERY_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "invalid delivery key '"
              + deliveryKey
              + "': give 1 to "
              + MAX_DELIVERY_KEY_LENGTH
              + " characters, unique per message and recipient");
    }
  }
}
