package io.lifeboat.directory;

/** A user, customer or token that does not exist or may not be revealed. */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
