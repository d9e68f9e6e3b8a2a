package io.lifeboat.directory;

import java.time.Instant;
import java.util.List;

/**
 * A provisioned user. {@code email} is lower-case and is the login. A user with {@code deactivated}
 * set has been deleted and waits until {@code deletionDue} for its purge; it cannot log in and
 * receives no mail, but putting it again restores it.
 */
public record User(
    long id,
    String customerId,
    String email,
    String domain,
    String displayName,
    String givenName,
    String surName,
    String language,
    String timezone,
    String department,
    String costCenter,
    String phone,
    String mobile,
    List<String> failoverGroups,
    boolean activation,
    boolean access,
    boolean failover,
    Instant created,
    Instant modified,
    Instant deactivated,
    Instant deletionDue) {

  public boolean isDeleted() {
    return deactivated != null;
  }

  /** Login is allowed only when the user set a password and the administrator opened access. */
  public boolean canLogIn() {
    return !isDeleted() && activation && access;
  }
}
