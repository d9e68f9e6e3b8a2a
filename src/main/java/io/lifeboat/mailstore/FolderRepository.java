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

  // An empty folder joins one row of nulls, so unread counts only rows whose seen is false.
  private static final String SELECT_WITH_COUNTS =
      """
      SELECT f.id, f.role, f.name_encrypted, COUNT(m.id) AS total,
             COUNT(CASE WHEN m.seen = FALSE THEN 1 END) AS unread
        FROM mail_folder f LEFT JOIN mail_message m ON m.folder_id = f.id
      """;

  private static final String GROUP = " GROUP BY f.id, f.role, f.name_encrypted";

  private final JdbcClient jdbc;

  public FolderRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<Row> list(long userId) {
    return jdbc.sql(SELECT_WITH_COUNTS + " WHERE f.user_id = :user" + GROUP + " ORDER BY f.id")
        .param("user", userId)
        .query(FolderRepository::map)
        .list();
  }

  public Optional<Row> find(long userId, long folderId) {
    return jdbc.sql(SELECT_WITH_COUNTS + " WHERE f.user_id = :user AND f.id = :id" + GROUP)
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
