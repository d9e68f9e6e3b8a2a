package io.lifeboat.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The audit log: who changed which user, flag, token, credential or setting, when and from where.
 * Callers write inside the transaction of the change, so an entry exists exactly when its change
 * was committed.
 */
@Repository
public class AuditLog {

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate named;

  public AuditLog(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
    this.jdbc = jdbc;
    this.named = named;
  }

  /** A change to record; {@code field}, {@code oldValue} and {@code newValue} may be null. */
  public record Change(
      String customerId,
      String userEmail,
      String action,
      String field,
      String oldValue,
      String newValue) {}

  public void record(Actor actor, Change change) {
    recordAll(actor, List.of(change));
  }

  public void recordAll(Actor actor, List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    Timestamp now = Timestamp.from(Instant.now());
    List<MapSqlParameterSource> rows = new ArrayList<>(changes.size());
    for (Change change : changes) {
      rows.add(
          actorParameters(actor, now)
              .addValue("customer", change.customerId())
              .addValue("user", change.userEmail())
              .addValue("action", change.action())
              .addValue("field", change.field())
              .addValue("oldValue", truncate(change.oldValue()))
              .addValue("newValue", truncate(change.newValue())));
    }
    Change first = changes.get(0);
    log.info(
        "audit action={} customer={} user={} entries={} actor={}",
        first.action(),
        first.customerId(),
        first.userEmail(),
        changes.size(),
        actor.name());
    named.batchUpdate(
        """
        INSERT INTO audit_event (occurred, request_id, actor, client_address, customer_id,
                                 user_email, action, field, old_value, new_value)
        VALUES (:occurred, :requestId, :actor, :clientAddress, :customer, :user, :action,
                :field, :oldValue, :newValue)
        """,
        rows.toArray(MapSqlParameterSource[]::new));
  }

  /**
   * Records a flag change for every user of a customer whose {@code change_ref} is {@code ref}: the
   * rows that one bulk update just changed, still locked by the caller's transaction.
   */
  public int recordFlagChanges(
      Actor actor, String customerId, String ref, String action, String flag, boolean value) {
    return named.update(
        """
        INSERT INTO audit_event (occurred, request_id, actor, client_address, customer_id,
                                 user_email, action, field, old_value, new_value)
        SELECT :occurred, :requestId, :actor, :clientAddress, s.customer_id, u.email, :action,
               :field, :oldValue, :newValue
          FROM user_state s JOIN mail_user u ON u.id = s.user_id
         WHERE s.customer_id = :customer AND s.change_ref = :ref
        """,
        actorParameters(actor, Timestamp.from(Instant.now()))
            .addValue("customer", customerId)
            .addValue("ref", ref)
            .addValue("action", action)
            .addValue("field", flag)
            .addValue("oldValue", Boolean.toString(!value))
            .addValue("newValue", Boolean.toString(value)));
  }

  /** Returns one page of a customer's entries, newest first. */
  public List<AuditEntry> page(String customerId, int page, int size) {
    return jdbc.sql(
            """
            SELECT id, occurred, request_id, actor, client_address, customer_id, user_email,
                   action, field, old_value, new_value
              FROM audit_event
             WHERE customer_id = :customer
             ORDER BY id DESC
             LIMIT :limit OFFSET :offset
            """)
        .param("customer", customerId)
        .param("limit", size)
        .param("offset", (long) page * size)
        .query((rs, n) -> entry(rs))
        .list();
  }

  /**
   * Returns one page of the entries that concern the whole service, such as master key rotations,
   * newest first. They have no customer.
   */
  public List<AuditEntry> serviceWidePage(int page, int size) {
    return jdbc.sql(
            """
            SELECT id, occurred, request_id, actor, client_address, customer_id, user_email,
                   action, field, old_value, new_value
              FROM audit_event
             WHERE customer_id IS NULL
             ORDER BY id DESC
             LIMIT :limit OFFSET :offset
            """)
        .param("limit", size)
        .param("offset", (long) page * size)
        .query((rs, n) -> entry(rs))
        .list();
  }

  public long countServiceWide() {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE customer_id IS NULL")
        .query(Long.class)
        .single();
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getLong("id"),
        rs.getTimestamp("occurred").toInstant(),
        rs.getString("request_id"),
        rs.getString("actor"),
        rs.getString("client_address"),
        rs.getString("customer_id"),
        rs.getString("user_email"),
        rs.getString("action"),
        rs.getString("field"),
        rs.getString("old_value"),
        rs.getString("new_value"));
  }

  public long count(String customerId) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE customer_id = :customer")
        .param("customer", customerId)
        .query(Long.class)
        .single();
  }

  private static MapSqlParameterSource actorParameters(Actor actor, Timestamp now) {
    return new MapSqlParameterSource()
        .addValue("occurred", now)
        .addValue("requestId", actor.requestId())
        .addValue("actor", actor.name())
        .addValue("clientAddress", actor.clientAddress());
  }

  private static String truncate(String value) {
    return value == null || value.length() <= 1024 ? value : value.substring(0, 1021) + "...";
  }
}
