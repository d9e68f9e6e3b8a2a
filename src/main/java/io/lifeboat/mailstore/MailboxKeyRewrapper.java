package io.lifeboat.mailstore;

import io.lifeboat.crypto.MasterKeyRewrapper;
import io.lifeboat.mailstore.MailboxKeys.WrappedKeys;
import java.security.GeneralSecurityException;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Re-wraps the two keysets of each mailbox ({@code mailbox} rows) in a master key rotation. */
@Component
@Order(1)
class MailboxKeyRewrapper implements MasterKeyRewrapper {

  private record Row(long userId, WrappedKeys keys) {}

  private final JdbcClient jdbc;
  private final MailboxKeys keys;

  MailboxKeyRewrapper(JdbcClient jdbc, MailboxKeys keys) {
    this.jdbc = jdbc;
    this.keys = keys;
  }

  @Override
  public String name() {
    return "mailboxKeys";
  }

  @Override
  public long countPending(String keyId) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM mailbox WHERE master_key_id IS NULL OR master_key_id <> :key")
        .param("key", keyId)
        .query(Long.class)
        .single();
  }

  @Override
  public int rewrapBatch(String keyId, int limit) {
    List<Row> rows =
        jdbc.sql(
                """
                SELECT user_id, raw_keyset, field_keyset FROM mailbox
                 WHERE master_key_id IS NULL OR master_key_id <> :key
                 ORDER BY user_id LIMIT :limit
                """)
            .param("key", keyId)
            .param("limit", limit)
            .query(
                (rs, n) -> new Row(rs.getLong(1), new WrappedKeys(rs.getBytes(2), rs.getBytes(3))))
            .list();
    int done = 0;
    for (Row row : rows) {
      WrappedKeys rewrapped;
      try {
        rewrapped = keys.rewrap(row.userId(), row.keys());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            "cannot unwrap the data keys of mailbox "
                + row.userId()
                + " with the loaded master keys; they were altered or wrapped by another key",
            e);
      }
      // The old keysets in the WHERE clause make this a compare-and-set: a row deleted or
      // replaced meanwhile is left alone.
      done +=
          jdbc.sql(
                  """
                  UPDATE mailbox SET raw_keyset = :raw, field_keyset = :fields, master_key_id = :key
                   WHERE user_id = :id AND raw_keyset = :oldRaw AND field_keyset = :oldFields
                  """)
              .param("raw", rewrapped.rawMessageKeyset())
              .param("fields", rewrapped.fieldKeyset())
              .param("key", keyId)
              .param("id", row.userId())
              .param("oldRaw", row.keys().rawMessageKeyset())
              .param("oldFields", row.keys().fieldKeyset())
              .update();
    }
    return done;
  }
}
