package io.lifeboat.routing;

/** The destination of one recipient's copy of a message, decided per recipient and attempt. */
public sealed interface Route {

  /** Short name stored with the queue row and used as metric tag. */
  String name();

  /** Into the Inbox of a user in failover. */
  record Local(long userId, String customerId) implements Route {
    @Override
    public String name() {
      return "local";
    }
  }

  /** To the primary server of a hosted domain whose user is not in failover. */
  record Primary(String domain, String host, int port) implements Route {
    @Override
    public String name() {
      return "primary";
    }
  }

  /** To a domain that no customer hosts: through the smarthost or the domain's MX. */
  record External(String domain) implements Route {
    @Override
    public String name() {
      return "external";
    }
  }

  /**
   * Nowhere: the recipient is permanently undeliverable.
   *
   * @param reply the SMTP reply for it, such as {@code 550 5.1.1 <a@b> user unknown}
   */
  record Rejected(String reply) implements Route {
    @Override
    public String name() {
      return "rejected";
    }
  }
}
