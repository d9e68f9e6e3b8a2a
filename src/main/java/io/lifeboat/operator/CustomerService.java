package io.lifeboat.operator;

import io.lifeboat.account.Secrets;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerDomain;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.directory.Violation;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The operator's changes to customers, their domains and API credentials. */
@Service
public class CustomerService {

  private static final Logger log = LoggerFactory.getLogger(CustomerService.class);

  // RFC 1035 host names: labels of letters, digits and hyphens, not starting or ending with one.
  private static final Pattern HOST =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern SENDER =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9.-]{1,190}");

  private final CustomerRepository customers;
  private final JdbcClient jdbc;
  private final AuditLog audit;
  private final Clock clock;

  public CustomerService(
      CustomerRepository customers, JdbcClient jdbc, AuditLog audit, Clock clock) {
    this.customers = customers;
    this.jdbc = jdbc;
    this.audit = audit;
    this.clock = clock;
  }

  /** A new API credential; the secret is shown once and stored only as SHA-256. */
  public record NewCredential(String username, String password) {}

  /**
   * Creates or updates a customer. The domain list replaces the old one; a domain of another
   * customer, or a removed domain that still has users, is a conflict. Returns true on creation.
   */
  @Transactional
  public boolean put(Actor actor, String id, CustomerRequest request) {
    requireId(id);
    Customer before = customers.findForUpdate(id).orElse(null);
    Instant now = clock.instant();
    Customer after = validate(id, request, before, now);

    for (CustomerDomain domain : after.domains()) {
      customers
          .ownerOfDomain(domain.name())
          .filter(owner -> !owner.equals(id))
          .ifPresent(
              owner -> {
                throw new ConflictException(
                    "domain "
                        + domain.name()
                        + " belongs to another customer; remove it there first");
              });
    }
    List<Change> changes = new ArrayList<>();
    if (before == null) {
      customers.insert(after);
      changes.add(new Change(id, null, "customer.created", "name", null, after.name()));
    } else {
      customers.update(after);
      describeChanges(before, after, changes);
    }
    applyDomains(id, before == null ? List.of() : before.domains(), after.domains(), changes);
    audit.recordAll(actor, changes);
    log.info(
        "Customer {} {} with domains {}",
        id,
        before == null ? "created" : "updated",
        after.domains().stream().map(CustomerDomain::name).toList());
    return before == null;
  }

  @Transactional(readOnly = true)
  public Customer get(String id) {
    requireId(id);
    return customers.find(id).orElseThrow(() -> customerNotFound(id));
  }

  @Transactional(readOnly = true)
  public List<Customer> list() {
    return customers.findAll();
  }

  @Transactional(readOnly = true)
  public List<String> credentials(String id) {
    get(id);
    return jdbc.sql("SELECT username FROM api_credential WHERE customer_id = :c ORDER BY created")
        .param("c", id)
        .query(String.class)
        .list();
  }

  /** Creates an API credential for the customer. */
  @Transactional
  public NewCredential createCredential(Actor actor, String id) {
    get(id);
    String username = id.toLowerCase(Locale.ROOT) + "-" + Secrets.lowerAlphanumeric(8);
    String password = Secrets.alphanumeric(32);
    jdbc.sql(
            "INSERT INTO api_credential (username, customer_id, secret_hash, created)"
                + " VALUES (:u, :c, :h, :now)")
        .param("u", username)
        .param("c", id)
        .param("h", Secrets.sha256(password))
        .param("now", Timestamp.from(clock.instant()))
        .update();
    audit.record(actor, new Change(id, null, "credential.created", "username", null, username));
    log.info("API credential {} created for customer {}", username, id);
    return new NewCredential(username, password);
  }

  /** Revokes an API credential of the customer; takes effect on the next request. */
  @Transactional
  public void revokeCredential(Actor actor, String id, String username) {
    get(id);
    int deleted =
        jdbc.sql("DELETE FROM api_credential WHERE customer_id = :c AND username = :u")
            .param("c", id)
            .param("u", username)
            .update();
    if (deleted == 0) {
      throw new NotFoundException("credential " + username + " of customer " + id + " not found");
    }
    audit.record(actor, new Change(id, null, "credential.revoked", "username", username, null));
    log.info("API credential {} of customer {} revoked", username, id);
  }

  private Customer validate(String id, CustomerRequest r, Customer before, Instant now) {
    if (r == null) {
      throw new InvalidInputException("name", null, "request body is required: a customer");
    }
    List<Violation> errors = new ArrayList<>();
    String name = setting(r.name(), String::trim, before, Customer::name, null);
    if (name == null || name.isEmpty() || name.length() > 256) {
      errors.add(new Violation("name", r.name(), "name is required, 1 to 256 characters"));
    }
    List<CustomerDomain> domains =
        setting(
            r.domains(), requested -> domains(requested, errors), before, Customer::domains, null);
    if (domains == null || domains.isEmpty()) {
      errors.add(new Violation("domains", null, "domains must list at least one domain"));
    }
    int lifetime =
        setting(r.tokenLifetimeDays(), days -> days, before, Customer::tokenLifetimeDays, 7);
    if (lifetime < 1 || lifetime > 90) {
      errors.add(
          new Violation(
              "tokenLifetimeDays", lifetime + "", "tokenLifetimeDays must be from 1 to 90"));
    }
    int limit =
        setting(
            r.syncDeactivationLimitPercent(),
            percent -> percent,
            before,
            Customer::syncDeactivationLimitPercent,
            10);
    if (limit < 0 || limit > 100) {
      errors.add(
          new Violation(
              "syncDeactivationLimitPercent",
              limit + "",
              "syncDeactivationLimitPercent must be from 0 to 100"));
    }
    String sender =
        setting(
            r.notificationSender(),
            CustomerService::blankToNull,
            before,
            Customer::notificationSender,
            null);
    if (sender != null && !SENDER.matcher(sender).matches()) {
      errors.add(
          new Violation(
              "notificationSender",
              sender,
              "notificationSender must be a plain address such as noreply@example.com"));
    }
    String baseUrl =
        setting(
            r.publicBaseUrl(), CustomerService::blankToNull, before, Customer::publicBaseUrl, null);
    if (baseUrl != null && !isHttpUrl(baseUrl)) {
      errors.add(
          new Violation(
              "publicBaseUrl",
              baseUrl,
              "publicBaseUrl must be an absolute http or https URL such as https://mail.example.com"));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    boolean notifications =
        setting(r.notifications(), enabled -> enabled, before, Customer::notifications, false);
    return new Customer(
        id,
        name,
        domains,
        notifications,
        sender,
        lifetime,
        baseUrl,
        limit,
        before == null ? now : before.created(),
        now);
  }

  private static List<CustomerDomain> domains(
      List<DomainRequest> requested, List<Violation> errors) {
    List<CustomerDomain> domains = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      DomainRequest d = requested.get(i);
      String field = "domains[" + i + "]";
      if (d == null || d.domain() == null) {
        errors.add(new Violation(field + ".domain", null, field + ".domain is required"));
        continue;
      }
      String name = d.domain().trim().toLowerCase(Locale.ROOT);
      if (name.length() > 128 || !HOST.matcher(name).matches()) {
        errors.add(
            new Violation(
                field + ".domain",
                d.domain(),
                field + ".domain must be a domain name such as example.com"));
      } else if (!seen.add(name)) {
        errors.add(new Violation(field + ".domain", d.domain(), field + ".domain is listed twice"));
      }
      String host =
          d.primaryHost() == null ? null : d.primaryHost().trim().toLowerCase(Locale.ROOT);
      if (host == null || !(HOST.matcher(host).matches() || isIpLiteral(host))) {
        errors.add(
            new Violation(
                field + ".primaryHost",
                d.primaryHost(),
                field
                    + ".primaryHost is required: the host name or IP address of the primary mail"
                    + " server"));
      }
      int port = d.primaryPort() == null ? 25 : d.primaryPort();
      if (port < 1 || port > 65535) {
        errors.add(
            new Violation(
                field + ".primaryPort", port + "", field + ".primaryPort must be from 1 to 65535"));
      }
      domains.add(new CustomerDomain(name, host, port));
    }
    return domains;
  }

  private void applyDomains(
      String id, List<CustomerDomain> before, List<CustomerDomain> after, List<Change> changes) {
    Map<String, CustomerDomain> old = new HashMap<>();
    before.forEach(d -> old.put(d.name(), d));
    Set<String> kept = new HashSet<>();
    for (CustomerDomain d : after) {
      kept.add(d.name());
      CustomerDomain previous = old.get(d.name());
      if (previous == null) {
        customers.insertDomain(id, d);
        changes.add(new Change(id, null, "domain.added", "domain", null, describe(d)));
      } else if (!previous.equals(d)) {
        customers.updateDomain(d);
        changes.add(
            new Change(id, null, "domain.updated", "domain", describe(previous), describe(d)));
      }
    }
    for (CustomerDomain d : before) {
      if (kept.contains(d.name())) {
        continue;
      }
      long users =
          jdbc.sql("SELECT COUNT(*) FROM mail_user WHERE domain = :d")
              .param("d", d.name())
              .query(Long.class)
              .single();
      if (users > 0) {
        throw new ConflictException(
            "domain "
                + d.name()
                + " still has "
                + users
                + " users; delete them and wait for their purge before removing the domain");
      }
      customers.deleteDomain(d.name());
      changes.add(new Change(id, null, "domain.removed", "domain", describe(d), null));
    }
  }

  private static void describeChanges(Customer before, Customer after, List<Change> changes) {
    String id = before.id();
    diff(changes, id, "name", before.name(), after.name());
    diff(changes, id, "notifications", before.notifications() + "", after.notifications() + "");
    diff(
        changes, id, "notificationSender", before.notificationSender(), after.notificationSender());
    diff(
        changes,
        id,
        "tokenLifetimeDays",
        before.tokenLifetimeDays() + "",
        after.tokenLifetimeDays() + "");
    diff(changes, id, "publicBaseUrl", before.publicBaseUrl(), after.publicBaseUrl());
    diff(
        changes,
        id,
        "syncDeactivationLimitPercent",
        before.syncDeactivationLimitPercent() + "",
        after.syncDeactivationLimitPercent() + "");
  }

  private static void diff(List<Change> changes, String id, String field, String old, String now) {
    if (!Objects.equals(old, now)) {
      changes.add(new Change(id, null, "customer.updated", field, old, now));
    }
  }

  private static String describe(CustomerDomain d) {
    return d.name() + " -> " + d.primaryHost() + ":" + d.primaryPort();
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9.]+") || host.matches("\\[?[0-9a-f:.]+\\]?");
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.isAbsolute()
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getQuery() == null
          && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * Returns one customer setting: the requested value normalized, the stored value when the request
   * leaves the setting out, or the initial value for a new customer.
   */
  private static <T, R> R setting(
      T requested,
      Function<T, R> normalize,
      Customer before,
      Function<Customer, R> stored,
      R initial) {
    if (requested != null) {
      return normalize.apply(requested);
    }
    if (before != null) {
      return stored.apply(before);
    }
    return initial;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  static void requireId(String id) {
    if (id == null || !id.matches(Customer.ID_PATTERN)) {
      throw new InvalidInputException(
          "CUSTOMER",
          id,
          "CUSTOMER must be 5 digits with an optional 2 upper-case letters, such as 44444");
    }
  }

  private static NotFoundException customerNotFound(String id) {
    return new NotFoundException("customer " + id + " not found; create it with PUT first");
  }
}
