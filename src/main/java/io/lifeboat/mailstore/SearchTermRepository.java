package io.lifeboat.mailstore;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rows of the search index ({@code mail_search_term}) and the {@code indexed} mark of messages.
 * Every statement is scoped to one user id. A term is an opaque keyed hash, see {@link
 * MailboxCipher#searchTerms}.
 */
@Repository
class SearchTermRepository {

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;

  SearchTermRepository(JdbcClient jdbc, JdbcTemplate batch) {
    this.jdbc = jdbc;
    this.batch = batch;
  }

  /**
   * Replaces the terms of a message and marks it indexed, for the rebuild of a message stored
   * before the index existed. The caller runs it in a transaction of its own.
   */
  void replace(long userId, long messageId, long[] terms) {
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id = :user AND message_id = :id")
        .param("user", userId)
        .param("id", messageId)
        .update();
    insert(userId, messageId, terms);
    jdbc.sql("UPDATE mail_message SET indexed = TRUE WHERE user_id = :user AND id = :id")
        .param("user", userId)
        .param("id", messageId)
        .update();
  }

  /**
   * Inserts the terms of a message that has none yet. The caller runs it in the transaction that
   * inserts the message, which marks the message indexed.
   */
  void insert(long userId, long messageId, long[] terms) {
    // Two words may share a term, and the primary key takes each term once per message.
    long[] distinct = Arrays.stream(terms).sorted().distinct().toArray();
    batch.batchUpdate(
        "INSERT INTO mail_search_term (user_id, term, message_id) VALUES (?, ?, ?)",
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement statement, int i) throws SQLException {
            statement.setLong(1, userId);
            statement.setLong(2, distinct[i]);
            statement.setLong(3, messageId);
          }

          @Override
          public int getBatchSize() {
            return distinct.length;
          }
        });
  }

  /** Counts the messages that contain {@code term}, stopping at {@code cap}. */
  long countUpTo(long userId, long term, int cap) {
    return jdbc.sql(
            """
            SELECT COUNT(*) FROM (
              SELECT message_id FROM mail_search_term WHERE user_id = :user AND term = :term
               LIMIT :cap) hits
            """)
        .param("user", userId)
        .param("term", term)
        .param("cap", cap)
        .query(Long.class)
        .single();
  }

  /**
   * Returns the ids of up to {@code limit} messages, highest id first, that contain every term, in
   * one folder or, when {@code folderId} is null, in the whole mailbox.
   *
   * <p>The query reads the rows of {@code terms[driver]} backwards through the primary key {@code
   * (user_id, term, message_id)} and checks the other terms and the folder per message, so it stops
   * as soon as it has {@code limit} matches. The caller passes the rarest term as the driver. Ids
   * grow in the order messages are stored, so the highest ids are the newest messages.
   */
  List<Long> matchingIds(long userId, Long folderId, long[] terms, int driver, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT d.message_id FROM mail_search_term d"
                + " WHERE d.user_id = :user AND d.term = :t"
                + driver);
    for (int i = 0; i < terms.length; i++) {
      if (i != driver) {
        sql.append(" AND EXISTS (SELECT 1 FROM mail_search_term t WHERE t.user_id = :user")
            .append(" AND t.term = :t")
            .append(i)
            .append(" AND t.message_id = d.message_id)");
      }
    }
    if (folderId != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM mail_message m")
          .append(" WHERE m.id = d.message_id AND m.folder_id = :folder)");
    }
    // All three key columns in the ORDER BY, so that H2 2.4 reads the key in order as well.
    sql.append(" ORDER BY d.user_id DESC, d.term DESC, d.message_id DESC LIMIT :limit");
    JdbcClient.StatementSpec statement =
        jdbc.sql(sql.toString()).param("user", userId).param("limit", limit);
    if (folderId != null) {
      statement = statement.param("folder", folderId);
    }
    for (int i = 0; i < terms.length; i++) {
      statement = statement.param("t" + i, terms[i]);
    }
    return statement.query(Long.class).list();
  }

  /** Returns whether a message of the mailbox still waits for the index rebuild. */
  boolean hasUnindexed(long userId) {
    return jdbc.sql(
            "SELECT id FROM mail_message WHERE indexed = FALSE AND user_id = :user"
                + " ORDER BY id LIMIT 1")
        .param("user", userId)
        .query(Long.class)
        .optional()
        .isPresent();
  }

  /** Returns the mailboxes that have messages without search terms. */
  List<Long> usersWithUnindexed() {
    return jdbc.sql("SELECT DISTINCT user_id FROM mail_message WHERE indexed = FALSE")
        .query(Long.class)
        .list();
  }

  /** Returns up to {@code limit} ids of a mailbox's messages without search terms, oldest first. */
  List<Long> unindexed(long userId, int limit) {
    return jdbc.sql(
            "SELECT id FROM mail_message WHERE indexed = FALSE AND user_id = :user"
                + " ORDER BY id LIMIT :limit")
        .param("user", userId)
        .param("limit", limit)
        .query(Long.class)
        .list();
  }
}
