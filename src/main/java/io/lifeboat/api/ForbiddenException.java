package io.lifeboat.api;

/** A customer id that the caller's credential may not act on, or that does not exist. */
public class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message);
  }
}
