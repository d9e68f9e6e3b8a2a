package io.lifeboat.delivery;

/**
 * The source of a queued message. Only mail written here may leave the hosted domains, except
 * received mail for the bare postmaster, which is queued for {@code lifeboat.smtp.postmaster}.
 */
public enum Origin {
  /**
   * Received by inbound SMTP: only recipients of hosted domains were accepted, and the {@code
   * lifeboat.smtp.postmaster} address in place of the bare postmaster.
   */
  SMTP(false),
  /** An account notification mail. */
  NOTIFICATION(true),
  /** A delivery status notification written by the queue. */
  DSN(true),
  /** Sent by a user, for example from the webmail. */
  SUBMISSION(true);

  private final boolean mayLeaveHostedDomains;

  Origin(boolean mayLeaveHostedDomains) {
    this.mayLeaveHostedDomains = mayLeaveHostedDomains;
  }

  public boolean mayLeaveHostedDomains() {
    return mayLeaveHostedDomains;
  }
}
