package io.lifeboat.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a received message into a standby mailbox. The delivery queue calls it for recipients in
 * failover; the mailstore implements it.
 */
public interface LocalDelivery {

  /** Opens the raw RFC 5322 message, from its first byte, each time it is called. */
  @FunctionalInterface
  interface MessageSource {
    InputStream open() throws IOException;
  }

  /**
   * Stores the raw message that {@code source} opens in the user's Inbox and returns once it is
   * durable. Idempotent per {@code deliveryKey}: when a message with the same key was stored before
   * (for example by an attempt interrupted by a crash), nothing is stored again and false is
   * returned.
   */
  boolean deliverToInbox(long userId, String deliveryKey, MessageSource source) throws IOException;

  /** Stores the raw message in the file {@code rawMessage}, see {@link #deliverToInbox}. */
  default boolean deliverToInbox(long userId, String deliveryKey, Path rawMessage)
      throws IOException {
    return deliverToInbox(userId, deliveryKey, () -> Files.newInputStream(rawMessage));
  }
}
