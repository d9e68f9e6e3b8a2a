package io.lifeboat.routing;

import io.lifeboat.directory.CustomerDomain;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.smtp.SmtpProperties;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides per recipient where mail goes. A hosted domain's user in failover gets the message in the
 * standby mailbox. Any other user of a hosted domain gets it through the domain's primary server.
 * Mail for postmaster of a hosted domain without such a user goes to the primary server as well.
 * Unknown and deleted users of hosted domains are rejected, and so are domains that no customer
 * hosts unless the message was written here (notifications, bounces, webmail). The one exception
 * for received mail is the address in {@code lifeboat.smtp.postmaster}, see {@link
 * #isPostmasterAddress}.
 */
@Component
public class Router {

  private static final String POSTMASTER = "postmaster";

  private final CustomerRepository customers;
  private final UserRepository users;

  /** The normalized {@code lifeboat.smtp.postmaster} address, empty when unset. */
  private final String postmasterAddress;

  public Router(CustomerRepository customers, UserRepository users, SmtpProperties smtp) {
    this.customers = customers;
    this.users = users;
    this.postmasterAddress = normalize(smtp.postmaster());
  }

  /**
   * Returns whether {@code address} is the configured {@code lifeboat.smtp.postmaster}. Inbound
   * SMTP queues mail for the bare {@code <postmaster>} to that address, so its queued copies may
   * leave the hosted domains. Inbound SMTP rejects the address itself as a recipient when it is
   * outside the hosted domains, so only mail sent to the bare postmaster reaches it that way.
   */
  public boolean isPostmasterAddress(String address) {
    return !postmasterAddress.isEmpty() && normalize(address).equals(postmasterAddress);
  }

  /**
   * Returns the route for {@code address}. With {@code external} false, a domain that no customer
   * hosts is rejected with {@code 550 5.7.1}, which is what keeps inbound SMTP from being an open
   * relay.
   */
  public Route route(String address, boolean external) {
    String normalized = normalize(address);
    int at = normalized.lastIndexOf('@');
    if (at <= 0 || at == normalized.length() - 1) {
      return new Route.Rejected("501 5.1.3 <" + address + ">: invalid address; use local@domain");
    }
    String domain = normalized.substring(at + 1);
    Optional<CustomerDomain> hosted = customers.findDomain(domain);
    if (hosted.isEmpty()) {
      return external
          ? new Route.External(domain)
          : new Route.Rejected("550 5.7.1 <" + address + ">: relay access denied");
    }
    CustomerDomain primary = hosted.get();
    Optional<User> user = users.findByEmail(normalized).filter(u -> !u.isDeleted());
    if (user.isEmpty()) {
      // RFC 5321 section 4.5.1: every domain accepts mail for postmaster. Without a provisioned
      // postmaster user, the company's own server gets it.
      if (normalized.substring(0, at).equals(POSTMASTER)) {
        return new Route.Primary(domain, primary.primaryHost(), primary.primaryPort());
      }
      return new Route.Rejected("550 5.1.1 <" + address + ">: user unknown");
    }
    if (user.get().failover()) {
      return new Route.Local(user.get().id(), user.get().customerId());
    }
    return new Route.Primary(domain, primary.primaryHost(), primary.primaryPort());
  }

  /** Lower-cases an address the way the directory stores it. */
  public static String normalize(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }
}
