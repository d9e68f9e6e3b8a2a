package io.lifeboat.mailstore;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Puts a received message into a standby mailbox. The delivery queue calls it for recipients in
 * failover; the mailstore implements it.
 */
public interface LocalDelivery {

  /**
   * Stores the raw RFC 5322 message at {@code rawMessage} in the user's Inbox and returns once it
   * is durable. Idempotent per {@code deliveryKey}: when a message with the same key was stored
   * before (for example by an attempt interrupted by a crash), nothing is stored again and false is
   * returned.
   */
  boolean deliverToInbox(long userId, String deliveryKey, Path rawMessage) throws IOException;
}
