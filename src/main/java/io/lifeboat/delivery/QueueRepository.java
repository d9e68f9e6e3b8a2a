package io.lifeboat.delivery;

import io.lifeboat.crypto.MasterKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rows of {@code queue_message} and {@code queue_recipient}. Envelope addresses are sealed with the
 * master key on the way in and opened on the way out, so callers see plain addresses.
 */
@Repository
public class QueueRepository {

  static final String QUEUED = "queued";
  static final String DELIVERING = "delivering";
  static final String DELIVERED = "delivered";
  static final String BOUNCED = "bounced";

  private static final int MAX_ERROR_LENGTH = 1000;

  private final JdbcClient jdbc;
  private final MasterKey masterKey;

  public QueueRepository(JdbcClient jdbc, MasterKey masterKey) {
    this.jdbc = jdbc;
    this.masterKey = masterKey;
  }

  /** Inserts a message and one due row per recipient; runs inside the caller's transaction. */
  public void insert(
      String id,
      Envelope envelope,
      Origin origin,
      long sizeBytes,
      String sessionId,
      String clientAddress,
      Instant received) {
    insert(seal(id, envelope, origin, sizeBytes, sessionId, clientAddress, received));
  }

  /**
   * Encrypts the addresses of a message's rows, so that the caller's thread does this work before
   * the rows join a group commit.
   */
  SealedRows seal(
      String id,
      Envelope envelope,
      Origin origin,
      long sizeBytes,
      String sessionId,
      String clientAddress,
      Instant received) {
    List<String> recipients = envelope.recipients().stream().map(masterKey::seal).toList();
    return new SealedRows(
        id,
        masterKey.seal(envelope.sender()),
        envelope,
        recipients,
        origin,
        sizeBytes,
        sessionId,
        clientAddress,
        received);
  }

  /** The rows of one message with sender and recipients already encrypted. */
  record SealedRows(
      String id,
      String sealedSender,
      Envelope envelope,
      List<String> sealedRecipients,
      Origin origin,
      long sizeBytes,
      String sessionId,
      String clientAddress,
      Instant received) {}

  /** Inserts sealed rows; runs inside the caller's transaction. */
  void insert(SealedRows rows) {
    jdbc.sql(
            """
            INSERT INTO queue_message (id, sender_sealed, null_sender, origin, size_bytes,
                                       smtputf8, eight_bit, session_id, client_address, received)
            VALUES (:id, :sender, :nullSender, :origin, :size, :utf8, :eightBit, :session,
                    :client, :received)
            """)
        .param("id", rows.id())
        .param("sender", rows.sealedSender())
        .param("nullSender", rows.envelope().nullSender())
        .param("origin", rows.origin().name())
        .param("size", rows.sizeBytes())
        .param("utf8", rows.envelope().smtputf8())
        .param("eightBit", rows.envelope().eightBit())
        .param("session", rows.sessionId())
        .param("client", rows.clientAddress())
        .param("received", Timestamp.from(rows.received()))
        .update();
    for (String recipient : rows.sealedRecipients()) {
      jdbc.sql(
              """
              INSERT INTO queue_recipient (message_id, recipient_sealed, state, next_attempt)
              VALUES (:id, :recipient, 'queued', :due)
              """)
          .param("id", rows.id())
          .param("recipient", recipient)
          .param("due", Timestamp.from(rows.received()))
          .update();
    }
  }

  /**
   * Claims up to {@code limit} due rows for {@code node} until {@code leaseUntil} and returns their
   * ids. Rows locked by another node's claim are skipped, so several nodes can claim at once. Runs
   * inside the caller's transaction.
   */
  public List<Long> claimDue(Instant now, int limit, String node, Instant leaseUntil) {
    // NOTE: no ORDER BY, because H2 2.4 locks every row it sorts before LIMIT applies, so a
    // concurrent claim would find nothing. Due rows come in index order (state, next_attempt),
    // which is oldest first on H2 but not guaranteed on PostgreSQL.
    List<Long> ids =
        jdbc.sql(
                """
                SELECT id FROM queue_recipient
                 WHERE state = 'queued' AND next_attempt <= :now
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED
                """)
            .param("now", Timestamp.from(now))
            .param("limit", limit)
            .query(Long.class)
            .list();
    if (!ids.isEmpty()) {
      jdbc.sql(
              """
              UPDATE queue_recipient SET state = 'delivering', claimed_by = :node,
                     claimed_until = :lease
               WHERE id IN (:ids)
              """)
          .param("node", node)
          .param("lease", Timestamp.from(leaseUntil))
          .param("ids", ids)
          .update();
    }
    return ids;
  }

  public List<QueueEntry> load(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            """
            SELECT r.id, r.message_id, m.sender_sealed, r.recipient_sealed, m.origin,
                   m.size_bytes, m.smtputf8, m.eight_bit, m.received, r.attempts,
                   r.delay_notified
              FROM queue_recipient r JOIN queue_message m ON m.id = r.message_id
             WHERE r.id IN (:ids) ORDER BY r.message_id, r.id
            """)
        .param("ids", ids)
        .query((rs, n) -> mapEntry(rs))
        .list();
  }

  /** Makes the rows that {@code node} had claimed due again; for the start of that node. */
  public int releaseNode(String node) {
    return jdbc.sql(
            """
            UPDATE queue_recipient SET state = 'queued', claimed_by = NULL, claimed_until = NULL
             WHERE state = 'delivering' AND claimed_by = :node
            """)
        .param("node", node)
        .update();
  }

  /** Makes rows due again whose claim lease ran out, for example because their node died. */
  public int releaseExpired(Instant now) {
    return jdbc.sql(
            """
            UPDATE queue_recipient SET state = 'queued', claimed_by = NULL, claimed_until = NULL
             WHERE state = 'delivering' AND claimed_until < :now
            """)
        .param("now", Timestamp.from(now))
        .update();
  }

  public void markDelivered(long id, String route) {
    finish(id, DELIVERED, route, null);
  }

  public void markBounced(long id, String route, String error) {
    finish(id, BOUNCED, route, error);
  }

  public void markDeferred(long id, String route, String error, Instant nextAttempt) {
    jdbc.sql(
            """
            UPDATE queue_recipient SET state = 'queued', route = :route, attempts = attempts + 1,
                   next_attempt = :next, last_error_sealed = :error, claimed_by = NULL,
                   claimed_until = NULL
             WHERE id = :id
            """)
        .param("id", id)
        .param("route", route)
        .param("next", Timestamp.from(nextAttempt))
        .param("error", sealError(error))
        .update();
  }

  public void markDelayNotified(Collection<Long> ids) {
    if (!ids.isEmpty()) {
      jdbc.sql("UPDATE queue_recipient SET delay_notified = TRUE WHERE id IN (:ids)")
          .param("ids", ids)
          .update();
    }
  }

  /** Returns how many rows of a message are still queued or being delivered. */
  public int pendingCount(String messageId) {
    return jdbc.sql(
            """
            SELECT COUNT(*) FROM queue_recipient
             WHERE message_id = :id AND state IN ('queued', 'delivering')
            """)
        .param("id", messageId)
        .query(Integer.class)
        .single();
  }

  public boolean messageExists(String messageId) {
    return jdbc.sql("SELECT COUNT(*) FROM queue_message WHERE id = :id")
            .param("id", messageId)
            .query(Integer.class)
            .single()
        > 0;
  }

  /** Deletes a message and its rows; returns whether it existed. */
  public boolean delete(String messageId) {
    return jdbc.sql("DELETE FROM queue_message WHERE id = :id").param("id", messageId).update() > 0;
  }

  /** Makes every queued row of a message due now; returns how many rows changed. */
  public int retryNow(String messageId, Instant now) {
    return jdbc.sql(
            """
            UPDATE queue_recipient SET next_attempt = :now
             WHERE message_id = :id AND state = 'queued'
            """)
        .param("id", messageId)
        .param("now", Timestamp.from(now))
        .update();
  }

  /**
   * Returns the queued rows that wait for a later attempt at a primary server, as row id and
   * recipient.
   */
  public Map<Long, String> waitingForPrimary(Instant now) {
    Map<Long, String> rows = new LinkedHashMap<>();
    jdbc.sql(
            """
            SELECT id, recipient_sealed FROM queue_recipient
             WHERE state = 'queued' AND route = 'primary' AND next_attempt > :now
            """)
        .param("now", Timestamp.from(now))
        .query(
            rs -> {
              rows.put(rs.getLong("id"), masterKey.open(rs.getString("recipient_sealed")));
            });
    return rows;
  }

  /** Makes queued rows due now; returns how many changed. */
  public int makeDue(List<Long> ids, Instant now) {
    int changed = 0;
    // Chunks keep the IN list far below PostgreSQL's limit of 65,535 bind parameters.
    for (int from = 0; from < ids.size(); from += 1000) {
      changed +=
          jdbc.sql(
                  """
                  UPDATE queue_recipient SET next_attempt = :now
                   WHERE id IN (:ids) AND state = 'queued' AND next_attempt > :now
                  """)
              .param("ids", ids.subList(from, Math.min(ids.size(), from + 1000)))
              .param("now", Timestamp.from(now))
              .update();
    }
    return changed;
  }

  /** Counts rows that are queued or being delivered. */
  public long depth() {
    return jdbc.sql("SELECT COUNT(*) FROM queue_recipient WHERE state IN ('queued', 'delivering')")
        .query(Long.class)
        .single();
  }

  /** Returns when the oldest message that still has a recipient to deliver was received. */
  public Optional<Instant> oldestWaiting() {
    return jdbc.sql(
            """
            SELECT MIN(m.received) FROM queue_message m
            WHERE EXISTS (SELECT 1 FROM queue_recipient r
                          WHERE r.message_id = m.id AND r.state IN ('queued', 'delivering'))
            """)
        .query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant))
        .single();
  }

  public long countMessages() {
    return jdbc.sql("SELECT COUNT(*) FROM queue_message").query(Long.class).single();
  }

  /** Lists messages, oldest first, with their recipient rows. */
  public List<QueuedMessage> list(int page, int size) {
    List<String> ids =
        jdbc.sql("SELECT id FROM queue_message ORDER BY received, id LIMIT :size OFFSET :offset")
            .param("size", size)
            .param("offset", (long) page * size)
            .query(String.class)
            .list();
    return messages(ids);
  }

  public Optional<QueuedMessage> find(String messageId) {
    return messages(List.of(messageId)).stream().findFirst();
  }

  private List<QueuedMessage> messages(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, List<QueueRow>> rows = new LinkedHashMap<>();
    jdbc.sql("SELECT * FROM queue_recipient WHERE message_id IN (:ids) ORDER BY id")
        .param("ids", ids)
        .query(
            rs -> {
              rows.computeIfAbsent(rs.getString("message_id"), k -> new ArrayList<>())
                  .add(mapRow(rs));
            });
    return jdbc.sql("SELECT * FROM queue_message WHERE id IN (:ids) ORDER BY received, id")
        .param("ids", ids)
        .query(
            (rs, n) ->
                new QueuedMessage(
                    rs.getString("id"),
                    masterKey.open(rs.getString("sender_sealed")),
                    Origin.valueOf(rs.getString("origin")),
                    rs.getLong("size_bytes"),
                    instant(rs, "received"),
                    rs.getString("session_id"),
                    rs.getString("client_address"),
                    rows.getOrDefault(rs.getString("id"), List.of())))
        .list();
  }

  private void finish(long id, String state, String route, String error) {
    jdbc.sql(
            """
            UPDATE queue_recipient SET state = :state, route = :route, attempts = attempts + 1,
                   last_error_sealed = :error, claimed_by = NULL, claimed_until = NULL
             WHERE id = :id
            """)
        .param("id", id)
        .param("state", state)
        .param("route", route)
        .param("error", sealError(error))
        .update();
  }

  private QueueEntry mapEntry(ResultSet rs) throws SQLException {
    return new QueueEntry(
        rs.getLong("id"),
        rs.getString("message_id"),
        masterKey.open(rs.getString("sender_sealed")),
        masterKey.open(rs.getString("recipient_sealed")),
        Origin.valueOf(rs.getString("origin")),
        rs.getLong("size_bytes"),
        rs.getBoolean("smtputf8"),
        rs.getBoolean("eight_bit"),
        instant(rs, "received"),
        rs.getInt("attempts"),
        rs.getBoolean("delay_notified"));
  }

  private QueueRow mapRow(ResultSet rs) throws SQLException {
    return new QueueRow(
        rs.getLong("id"),
        masterKey.open(rs.getString("recipient_sealed")),
        rs.getString("state"),
        rs.getString("route"),
        rs.getInt("attempts"),
        instant(rs, "next_attempt"),
        openError(rs.getString("last_error_sealed")));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  /** Seals an error text cut to MAX_ERROR_LENGTH characters; null stays null. */
  private String sealError(String error) {
    if (error == null) {
      return null;
    }
    return masterKey.seal(
        error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH));
  }

  private String openError(String sealed) {
    return sealed == null ? null : masterKey.open(sealed);
  }
}
