package io.lifeboat.webmail;

import java.io.Serializable;
import java.security.Principal;
import java.time.Instant;

/**
 * The signed-in webmail user, kept in the web session. {@code loggedIn} lets the session guard end
 * sessions that started before the user's password last changed.
 */
public record WebmailUser(
    long id,
    String email,
    String customerId,
    String displayName,
    String language,
    String timezone,
    Instant loggedIn)
    implements Principal, Serializable {

  @Override
  public String getName() {
    return email;
  }
}
