package io.lifeboat.mailstore;

import java.time.Instant;
import java.util.Set;

/**
 * A message as the webmail lists and reads it: its place, flags and decrypted metadata.
 *
 * @param received when it arrived or was appended; folders are sorted by it
 * @param size raw size in bytes
 */
public record StoredMessage(
    long id,
    long folderId,
    Instant received,
    long size,
    Set<MessageFlag> flags,
    MessageMetadata metadata) {

  public StoredMessage {
    flags = Set.copyOf(flags);
  }

  public boolean has(MessageFlag flag) {
    return flags.contains(flag);
  }
}
