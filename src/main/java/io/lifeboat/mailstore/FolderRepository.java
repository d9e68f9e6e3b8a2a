package io.lifeboat.mailstore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Folders of mailboxes. Every statement is scoped to one user id. */
@Repository
public class FolderRepository {

  /** A folder row with its counts; {@code name} is the ciphertext of a custom folder's name. */
  public record Row(long id, FolderRole role, byte[] name, long total, long unread) {}

  /**
   * Reads the cached counts, which {@link #addCounts} keeps in the transaction of every change to
   * the folder's messages.
   */
  private static final String SELECT_WITH_COUNTS =
      "SELECT id, role, name_encrypted, total_count AS total, unread_count AS unread"
          + " FROM mail_folder";

  private final JdbcClient jdbc;

  public FolderRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Row> list(long userId) {
    return jdbc.sql(SELECT_WITH_COUNTS + " WHERE user_id = :user ORDER BY id")
        .param("user", userId)
        .query(FolderRepository::map)
        .list();
  }

  public Optional<Row> find(long userId, long folderId) {
    return jdbc.sql(SELECT_WITH_COUNTS + " WHERE user_id = :user AND id = :id")
        .param("user", userId)
        .param("id", folderId)
        .query(FolderRepository::map)
        .optional();
  }

  public Optional<Long> idOf(long userId, FolderRole role) {
    return jdbc.sql("SELECT id FROM mail_folder WHERE user_id = :user AND role = :role")
        .param("user", userId)
        .param("role", role.name())
        .query(Long.class)
        .optional();
  }

  /** Creates a system folder unless it exists. */
  public void insertIfAbsent(long userId, FolderRole role, Instant now) {
    jdbc.sql(
            """
            INSERT INTO mail_folder (user_id, role, created) VALUES (:user, :role, :now)
            ON CONFLICT DO NOTHING
            """)
        .param("user", userId)
        .param("role", role.name())
        .param("now", Timestamp.from(now))
        .update();
  }

  public long insertCustom(long userId, byte[] encryptedName, Instant now) {
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            """
            INSERT INTO mail_folder (user_id, name_encrypted, created)
            VALUES (:user, :name, :now)
            """)
        .param("user", userId)
        .param("name", encryptedName)
        .param("now", Timestamp.from(now))
        .update(keys, "id");
    return keys.getKeyAs(Long.class);
  }

  /**
   * Adds {@code total} and {@code unread} (either may be negative) to a folder's cached counts. The
   * update is atomic in the database, so concurrent deliveries to one folder each count once.
   */
  public void addCounts(long userId, long folderId, long total, long unread) {
    if (total == 0 && unread == 0) {
      return;
    }
    jdbc.sql(
            """
            UPDATE mail_folder SET total_count = total_count + :total,
                                   unread_count = unread_count + :unread
             WHERE user_id = :user AND id = :id
            """)
        .param("total", total)
        .param("unread", unread)
        .param("user", userId)
        .param("id", folderId)
        .update();
  }

  public void rename(long userId, long folderId, byte[] encryptedName) {
    jdbc.sql("UPDATE mail_folder SET name_encrypted = :name WHERE user_id = :user AND id = :id")
        .param("name", encryptedName)
        .param("user", userId)
        .param("id", folderId)
        .update();
  }

  public void delete(long userId, long folderId) {
    jdbc.sql("DELETE FROM mail_folder WHERE user_id = :user AND id = :id")
        .param("user", userId)
        .param("id", folderId)
        .update();
  }

  private static Row map(ResultSet rs, int rowNumber) throws SQLException {
    String role = rs.getString("role");
    return new Row(
        rs.getLong("id"),
        role == null ? null : FolderRole.valueOf(role),
        rs.getBytes("name_encrypted"),
        rs.getLong("total"),
        rs.getLong("unread"));
  }
}
