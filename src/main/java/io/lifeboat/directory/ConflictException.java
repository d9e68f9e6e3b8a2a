package io.lifeboat.directory;

/** A request that contradicts the directory's state, such as a domain of another customer. */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
