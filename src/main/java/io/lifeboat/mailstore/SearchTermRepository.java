package io.lifeboat.mailstore;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Ids per {@code IN} list, well below the parameter limits of H2 and PostgreSQL. */
  private static final int IN_LIST = 1000;

  private final JdbcClient jdbc;
  private final JdbcTemplate batch;

  SearchTermRepository(JdbcClient jdbc, JdbcTemplate batch) {
    this.jdbc = jdbc;
    this.batch = batch;
  }

  /** The search terms of one message of one user. */
  record MessageTerms(long userId, long messageId, long[] terms) {}

  /**
   * Stores the terms of a message that is not indexed yet, such as one stored before the index
   * existed, and marks it indexed. Returns false, storing nothing, when the message is gone or
   * indexed meanwhile. The caller runs it in a transaction of its own.
   */
  boolean replace(long userId, long messageId, long[] terms) {
    // Like insertBatch, this locks the message row before it writes terms, so both lock in one
    // order.
    List<Long> open = lockUnindexed(List.of(messageId), userId);
    if (open.isEmpty()) {
      return false;
    }
    jdbc.sql("DELETE FROM mail_search_term WHERE user_id = :user AND message_id = :id")
        .param("user", userId)
        .param("id", messageId)
        .update();
    insertTerms(List.of(new MessageTerms(userId, messageId, terms)));
    markIndexed(open);
    return true;
  }

  /**
   * Stores the terms of many messages and marks them indexed. Messages that were deleted or indexed
   * meanwhile, or that belong to another user than the one given with them, are skipped. The caller
   * runs it in a transaction.
   */
  void insertBatch(List<MessageTerms> messages) {
    Map<Long, MessageTerms> byId = new HashMap<>();
    for (MessageTerms message : messages) {
      byId.put(message.messageId(), message);
    }
    List<Long> ids = new ArrayList<>(byId.keySet());
    List<MessageTerms> open = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST));
      List<long[]> rows =
          jdbc.sql(
                  "SELECT id, user_id FROM mail_message WHERE id IN (:ids) AND indexed = FALSE"
                      + " ORDER BY id FOR UPDATE")
              .param("ids", chunk)
              .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
              .list();
      for (long[] row : rows) {
        MessageTerms message = byId.get(row[0]);
        if (message.userId() == row[1]) {
          open.add(message);
        }
      }
    }
    if (open.isEmpty()) {
      return;
    }
    insertTerms(open);
    markIndexed(open.stream().map(MessageTerms::messageId).toList());
  }

  /** Locks the user's rows among {@code ids} that are not indexed and returns their ids. */
  private List<Long> lockUnindexed(List<Long> ids, long userId) {
    return jdbc.sql(
            "SELECT id FROM mail_message WHERE user_id = :user AND id IN (:ids)"
                + " AND indexed = FALSE ORDER BY id FOR UPDATE")
        .param("user", userId)
        .param("ids", ids)
        .query(Long.class)
        .list();
  }

  private void insertTerms(List<MessageTerms> messages) {
    List<long[]> rows = new ArrayList<>();
    for (MessageTerms message : messages) {
      // Two words may share a term, and the primary key takes each term once per message.
      long[] distinct = Arrays.stream(message.terms()).sorted().distinct().toArray();
      for (long term : distinct) {
        rows.add(new long[] {message.userId(), term, message.messageId()});
      }
    }
    batch.batchUpdate(
        "INSERT INTO mail_search_term (user_id, term, message_id) VALUES (?, ?, ?)",
        new BatchPreparedStatementSetter() {
          @Override
          public void setValues(PreparedStatement statement, int i) throws SQLException {
            long[] row = rows.get(i);
            statement.setLong(1, row[0]);
            statement.setLong(2, row[1]);
            statement.setLong(3, row[2]);
          }

          @Override
          public int getBatchSize() {
            return rows.size();
          }
        });
  }

  private void markIndexed(List<Long> ids) {
    for (int from = 0; from < ids.size(); from += IN_LIST) {
      jdbc.sql("UPDATE mail_message SET indexed = TRUE WHERE id IN (:ids)")
          .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST)))
          .update();
    }
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

  /** Returns the highest message id, or 0 when there is no message. */
  long lastMessageId() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM mail_message").query(Long.class).single();
  }

  /** Returns the mailboxes that have messages up to the id {@code lastId} without search terms. */
  List<Long> usersWithUnindexed(long lastId) {
    return jdbc.sql(
            "SELECT DISTINCT user_id FROM mail_message WHERE indexed = FALSE AND id <= :last")
        .param("last", lastId)
        .query(Long.class)
        .list();
  }

  /**
   * Returns up to {@code limit} ids, oldest first, of a mailbox's messages up to the id {@code
   * lastId} without search terms.
   */
  List<Long> unindexed(long userId, long lastId, int limit) {
    return jdbc.sql(
            "SELECT id FROM mail_message WHERE indexed = FALSE AND user_id = :user AND id <= :last"
                + " ORDER BY id LIMIT :limit")
        .param("user", userId)
        .param("last", lastId)
        .param("limit", limit)
        .query(Long.class)
        .list();
  }
}
