package io.lifeboat.delivery;

import java.io.IOException;

/** The message could not be stored durably; the sender should try again later. */
public class QueueUnavailableException extends IOException {
  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
