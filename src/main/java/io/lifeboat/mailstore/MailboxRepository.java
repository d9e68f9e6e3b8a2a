package io.lifeboat.mailstore;

import io.lifeboat.mailstore.MailboxKeys.WrappedKeys;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Mailbox rows with their wrapped data keys, and the directory facts the mailstore checks. */
@Repository
public class MailboxRepository {

  /** The directory facts about a mailbox's owner. */
  public record Owner(String customerId, boolean deleted) {}

  private final JdbcClient jdbc;

  public MailboxRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Owner> owner(long userId) {
    return jdbc.sql("SELECT customer_id, deactivated FROM user_state WHERE user_id = :id")
        .param("id", userId)
        .query((rs, n) -> new Owner(rs.getString(1), rs.getTimestamp(2) != null))
        .optional();
  }

  public Optional<WrappedKeys> findKeys(long userId) {
    return jdbc.sql("SELECT raw_keyset, field_keyset FROM mailbox WHERE user_id = :id")
        .param("id", userId)
        .query((rs, n) -> new WrappedKeys(rs.getBytes(1), rs.getBytes(2)))
        .optional();
  }

  /** Inserts a mailbox unless one exists; returns whether this call inserted it. */
  public boolean insertIfAbsent(long userId, WrappedKeys keys, Instant now) {
    return jdbc.sql(
                """
                INSERT INTO mailbox (user_id, raw_keyset, field_keyset, created)
                VALUES (:id, :raw, :fields, :now) ON CONFLICT DO NOTHING
                """)
            .param("id", userId)
            .param("raw", keys.rawMessageKeyset())
            .param("fields", keys.fieldKeyset())
            .param("now", Timestamp.from(now))
            .update()
        == 1;
  }

  /**
   * Locks the mailbox row until the transaction ends, which serializes folder changes of one
   * mailbox; returns false when there is no mailbox.
   */
  public boolean lock(long userId) {
    return jdbc.sql("SELECT user_id FROM mailbox WHERE user_id = :id FOR UPDATE")
        .param("id", userId)
        .query(Long.class)
        .optional()
        .isPresent();
  }

  /**
   * Deletes a mailbox with its data keys, folders and messages. The rows go child first: H2 checks
   * the message-to-folder reference per row, so a cascade from the mailbox alone could fail.
   */
  public boolean delete(long userId) {
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id = :id").param("id", userId).update();
    jdbc.sql("DELETE FROM mail_message WHERE user_id = :id").param("id", userId).update();
    jdbc.sql("DELETE FROM mail_folder WHERE user_id = :id").param("id", userId).update();
    return jdbc.sql("DELETE FROM mailbox WHERE user_id = :id").param("id", userId).update() > 0;
  }
}
