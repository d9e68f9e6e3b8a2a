package io.lifeboat.mailstore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Message rows. Every statement is scoped to one user id, which is how tenants stay apart. */
@Repository
public class MessageRepository {

  /** A message row; {@code metadata} is ciphertext. */
  public record Row(
      long id,
      long folderId,
      String blobKey,
      long size,
      Instant received,
      Set<MessageFlag> flags,
      boolean parsed,
      byte[] metadata) {}

  /** A message to insert; {@code deliveryKey} is null for appended messages. */
  public record NewRow(
      long userId,
      long folderId,
      String deliveryKey,
      String blobKey,
      long size,
      Instant received,
      Set<MessageFlag> flags,
      boolean parsed,
      byte[] metadata) {}

  /** The folder and seen flag of a message, which decide the folder counts it is part of. */
  public record Placement(long id, long folderId, boolean seen) {}

  private static final String COLUMNS =
      "id, folder_id, blob_key, size_bytes, received, seen, answered, flagged, deleted, parsed,"
          + " metadata";

  private static final Comparator<Row> NEWEST_FIRST =
      Comparator.comparing(Row::received).thenComparingLong(Row::id).reversed();

  private final JdbcClient jdbc;

  public MessageRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public boolean existsDelivery(long userId, String deliveryKey) {
    return jdbc.sql(
                "SELECT COUNT(*) FROM mail_message WHERE user_id = :user AND delivery_key = :key")
            .param("user", userId)
            .param("key", deliveryKey)
            .query(Long.class)
            .single()
        > 0;
  }

  /**
   * Inserts a message and returns its id, or nothing when the mailbox has a message with the same
   * delivery key already. The row starts unindexed, and {@link SearchIndexer} stores its terms.
   */
  public OptionalLong insert(NewRow row) {
    KeyHolder keys = new GeneratedKeyHolder();
    int inserted =
        jdbc.sql(
                """
                INSERT INTO mail_message (user_id, folder_id, delivery_key, blob_key, size_bytes,
                                          received, seen, answered, flagged, deleted, parsed,
                                          metadata)
                VALUES (:user, :folder, :deliveryKey, :blobKey, :size, :received, :seen,
                        :answered, :flagged, :deleted, :parsed, :metadata)
                ON CONFLICT DO NOTHING
                """)
            .param("user", row.userId())
            .param("folder", row.folderId())
            .param("deliveryKey", row.deliveryKey())
            .param("blobKey", row.blobKey())
            .param("size", row.size())
            .param("received", Timestamp.from(row.received()))
            .param("seen", row.flags().contains(MessageFlag.SEEN))
            .param("answered", row.flags().contains(MessageFlag.ANSWERED))
            .param("flagged", row.flags().contains(MessageFlag.FLAGGED))
            .param("deleted", row.flags().contains(MessageFlag.DELETED))
            .param("parsed", row.parsed())
            .param("metadata", row.metadata())
            .update(keys, "id");
    return inserted == 1 ? OptionalLong.of(keys.getKeyAs(Long.class)) : OptionalLong.empty();
  }

  public Optional<Row> find(long userId, long messageId) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM mail_message WHERE user_id = :user AND id = :id")
        .param("user", userId)
        .param("id", messageId)
        .query(MessageRepository::map)
        .optional();
  }

  /**
   * Returns one page of a folder, newest first; ties are broken by id, newest first.
   *
   * <p>The page is read in two steps. The first finds the page's ids in the {@code (folder_id,
   * received, id)} index alone, which is what makes a deep {@code OFFSET} cheap; the second reads
   * those rows, scoped to the user. When the page lies in the older half of the folder, the first
   * step counts from the oldest message, so no page skips more than half of the folder's index.
   *
   * @param folderTotal the folder's message count, used only to choose the end to count from
   */
  public List<Row> page(long userId, long folderId, int offset, int limit, long folderTotal) {
    List<Long> ids;
    if (offset > folderTotal / 2 && offset < folderTotal) {
      long fromOldest = Math.max(0, folderTotal - offset - limit);
      long size = Math.min(limit, folderTotal - offset);
      ids = new ArrayList<>(pageIds(folderId, "ASC", fromOldest, size));
      Collections.reverse(ids);
    } else {
      ids = pageIds(folderId, "DESC", offset, limit);
    }
    return findAll(userId, ids);
  }

  private List<Long> pageIds(long folderId, String direction, long offset, long limit) {
    return jdbc.sql(
            // folder_id leads the ORDER BY although it is fixed, because H2 2.4 reads rows in
            // index order only when the ORDER BY starts with the index's first column.
            "SELECT id FROM mail_message WHERE folder_id = :folder ORDER BY folder_id "
                + direction
                + ", received "
                + direction
                + ", id "
                + direction
                + " LIMIT :limit OFFSET :offset")
        .param("folder", folderId)
        .param("limit", limit)
        .param("offset", offset)
        .query(Long.class)
        .list();
  }

  /** Returns folder and seen flag of those of {@code ids} that belong to the user. */
  public List<Placement> placements(long userId, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "SELECT id, folder_id, seen FROM mail_message WHERE user_id = :user AND id IN (:ids)")
        .param("user", userId)
        .param("ids", ids)
        .query((rs, n) -> new Placement(rs.getLong(1), rs.getLong(2), rs.getBoolean(3)))
        .list();
  }

  /** Returns the user's rows among {@code ids}, newest first. */
  public List<Row> findAll(long userId, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Row> rows =
        new ArrayList<>(
            jdbc.sql(
                    "SELECT "
                        + COLUMNS
                        + " FROM mail_message WHERE user_id = :user AND id IN (:ids)")
                .param("user", userId)
                .param("ids", ids)
                .query(MessageRepository::map)
                .list());
    rows.sort(NEWEST_FIRST);
    return rows;
  }

  /** Sets or clears a flag on those of {@code ids} that belong to the user; returns the count. */
  public int setFlag(long userId, Collection<Long> ids, MessageFlag flag, boolean value) {
    if (ids.isEmpty()) {
      return 0;
    }
    return jdbc.sql(
            "UPDATE mail_message SET "
                + flag.column()
                + " = :value WHERE user_id = :user AND id IN (:ids)")
        .param("value", value)
        .param("user", userId)
        .param("ids", ids)
        .update();
  }

  public boolean move(long userId, long messageId, long folderId) {
    return jdbc.sql(
                "UPDATE mail_message SET folder_id = :folder WHERE user_id = :user AND id = :id")
            .param("folder", folderId)
            .param("user", userId)
            .param("id", messageId)
            .update()
        > 0;
  }

  /** Moves the messages of a folder whose seen flag is {@code seen}; returns how many moved. */
  public int moveAll(long userId, long fromFolderId, long toFolderId, boolean seen) {
    return jdbc.sql(
            "UPDATE mail_message SET folder_id = :to"
                + " WHERE user_id = :user AND folder_id = :from AND seen = :seen")
        .param("to", toFolderId)
        .param("user", userId)
        .param("from", fromFolderId)
        .param("seen", seen)
        .update();
  }

  public boolean delete(long userId, long messageId) {
    return jdbc.sql("DELETE FROM mail_message WHERE user_id = :user AND id = :id")
            .param("user", userId)
            .param("id", messageId)
            .update()
        > 0;
  }

  private static Row map(ResultSet rs, int rowNumber) throws SQLException {
    Set<MessageFlag> flags = EnumSet.noneOf(MessageFlag.class);
    for (MessageFlag flag : MessageFlag.values()) {
      if (rs.getBoolean(flag.column())) {
        flags.add(flag);
      }
    }
    return new Row(
        rs.getLong("id"),
        rs.getLong("folder_id"),
        rs.getString("blob_key"),
        rs.getLong("size_bytes"),
        rs.getTimestamp("received").toInstant(),
        flags,
        rs.getBoolean("parsed"),
        rs.getBytes("metadata"));
  }
}
