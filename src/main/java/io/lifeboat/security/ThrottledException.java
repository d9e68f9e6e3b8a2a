package io.lifeboat.security;

import java.time.Instant;
import org.springframework.security.core.AuthenticationException;

/** Authentication not even tried because the client address is locked out. */
public class ThrottledException extends AuthenticationException {

  private final transient Instant until;

  public ThrottledException(Instant until) {
    super("too many failed logins from this address; try again after " + until);
    this.until = until;
  }

  public Instant until() {
    return until;
  }
}
