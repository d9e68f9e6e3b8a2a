package io.lifeboat.delivery;

import java.time.Instant;

/**
 * One recipient of a queued message, with what the worker needs of its message.
 *
 * @param id the queue row id
 * @param messageId the queue id of the message, also the name of its spool file
 * @param sender the envelope sender, empty for the null sender
 * @param recipient the envelope recipient
 * @param attempts delivery attempts made before this one
 * @param delayNotified whether the sender already got a delay notice
 */
public record QueueEntry(
    long id,
    String messageId,
    String sender,
    String recipient,
    Origin origin,
    long sizeBytes,
    boolean smtputf8,
    boolean eightBit,
    Instant received,
    int attempts,
    boolean delayNotified) {

  /** Returns the idempotency key of a local delivery of this entry, unique across nodes. */
  public String deliveryKey() {
    return messageId + "." + id;
  }
}
