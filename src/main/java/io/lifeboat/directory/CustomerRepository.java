package io.lifeboat.directory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Customers and their domains. */
@Repository
public class CustomerRepository {

  private final JdbcClient jdbc;

  public CustomerRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Customer> find(String id) {
    return jdbc.sql("SELECT * FROM customer WHERE id = :id")
        .param("id", id)
        .query((rs, n) -> map(rs, domainsOf(rs.getString("id"))))
        .optional();
  }

  /** Locks the customer's row until the transaction ends, or returns empty. */
  public Optional<Customer> findForUpdate(String id) {
    return jdbc.sql("SELECT * FROM customer WHERE id = :id FOR UPDATE")
        .param("id", id)
        .query((rs, n) -> map(rs, List.of()))
        .optional()
        .map(c -> withDomains(c, domainsOf(id)));
  }

  public List<Customer> findAll() {
    Map<String, List<CustomerDomain>> domains = new LinkedHashMap<>();
    jdbc.sql("SELECT * FROM customer_domain ORDER BY name")
        .query(
            rs -> {
              domains
                  .computeIfAbsent(rs.getString("customer_id"), k -> new ArrayList<>())
                  .add(mapDomain(rs));
            });
    return jdbc.sql("SELECT * FROM customer ORDER BY id")
        .query((rs, n) -> map(rs, domains.getOrDefault(rs.getString("id"), List.of())))
        .list();
  }

  public boolean exists(String id) {
    return jdbc.sql("SELECT COUNT(*) FROM customer WHERE id = :id")
            .param("id", id)
            .query(Integer.class)
            .single()
        > 0;
  }

  /** Returns the customer's domain names, lower-case. */
  public Set<String> domainNames(String customerId) {
    return new TreeSet<>(
        jdbc.sql("SELECT name FROM customer_domain WHERE customer_id = :c")
            .param("c", customerId)
            .query(String.class)
            .list());
  }

  /** Returns the customer that hosts a domain, if any. */
  public Optional<String> ownerOfDomain(String domain) {
    return jdbc.sql("SELECT customer_id FROM customer_domain WHERE name = :d")
        .param("d", domain)
        .query(String.class)
        .optional();
  }

  public Optional<CustomerDomain> findDomain(String domain) {
    return jdbc.sql("SELECT * FROM customer_domain WHERE name = :d")
        .param("d", domain)
        .query((rs, n) -> mapDomain(rs))
        .optional();
  }

  public void insert(Customer c) {
    jdbc.sql(
            """
            INSERT INTO customer (id, name, notifications, notification_sender,
                                  token_lifetime_days, public_base_url,
                                  sync_deactivation_limit_percent, created, modified)
            VALUES (:id, :name, :notifications, :sender, :lifetime, :baseUrl, :limit,
                    :created, :modified)
            """)
        .params(parameters(c))
        .update();
  }

  public void update(Customer c) {
    jdbc.sql(
            """
            UPDATE customer SET name = :name, notifications = :notifications,
                   notification_sender = :sender, token_lifetime_days = :lifetime,
                   public_base_url = :baseUrl, sync_deactivation_limit_percent = :limit,
                   modified = :modified
             WHERE id = :id
            """)
        .params(parameters(c))
        .update();
  }

  public void insertDomain(String customerId, CustomerDomain d) {
    jdbc.sql(
            "INSERT INTO customer_domain (name, customer_id, primary_host, primary_port)"
                + " VALUES (:name, :customer, :host, :port)")
        .param("name", d.name())
        .param("customer", customerId)
        .param("host", d.primaryHost())
        .param("port", d.primaryPort())
        .update();
  }

  public void updateDomain(CustomerDomain d) {
    jdbc.sql(
            "UPDATE customer_domain SET primary_host = :host, primary_port = :port WHERE name = :n")
        .param("n", d.name())
        .param("host", d.primaryHost())
        .param("port", d.primaryPort())
        .update();
  }

  public void deleteDomain(String name) {
    jdbc.sql("DELETE FROM customer_domain WHERE name = :n").param("n", name).update();
  }

  private List<CustomerDomain> domainsOf(String customerId) {
    return jdbc.sql("SELECT * FROM customer_domain WHERE customer_id = :c ORDER BY name")
        .param("c", customerId)
        .query((rs, n) -> mapDomain(rs))
        .list();
  }

  private static Map<String, Object> parameters(Customer c) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("id", c.id());
    p.put("name", c.name());
    p.put("notifications", c.notifications());
    p.put("sender", c.notificationSender());
    p.put("lifetime", c.tokenLifetimeDays());
    p.put("baseUrl", c.publicBaseUrl());
    p.put("limit", c.syncDeactivationLimitPercent());
    p.put("created", Timestamp.from(c.created()));
    p.put("modified", Timestamp.from(c.modified()));
    return p;
  }

  private static Customer withDomains(Customer c, List<CustomerDomain> domains) {
    return new Customer(
        c.id(),
        c.name(),
        domains,
        c.notifications(),
        c.notificationSender(),
        c.tokenLifetimeDays(),
        c.publicBaseUrl(),
        c.syncDeactivationLimitPercent(),
        c.created(),
        c.modified());
  }

  private static Customer map(ResultSet rs, List<CustomerDomain> domains) throws SQLException {
    return new Customer(
        rs.getString("id"),
        rs.getString("name"),
        domains,
        rs.getBoolean("notifications"),
        rs.getString("notification_sender"),
        rs.getInt("token_lifetime_days"),
        rs.getString("public_base_url"),
        rs.getInt("sync_deactivation_limit_percent"),
        instant(rs, "created"),
        instant(rs, "modified"));
  }

  private static CustomerDomain mapDomain(ResultSet rs) throws SQLException {
    return new CustomerDomain(
        rs.getString("name"), rs.getString("primary_host"), rs.getInt("primary_port"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
