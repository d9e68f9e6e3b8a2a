package io.lifeboat.mailstore;

import java.util.List;

/**
 * One page of a folder, newest first.
 *
 * @param total messages in the folder
 */
public record MessagePage(List<StoredMessage> messages, long total, int offset, int limit) {

  public MessagePage {
    messages = List.copyOf(messages);
  }
}
