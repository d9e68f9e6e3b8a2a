package io.lifeboat.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Re-seals text columns written by {@link MasterKey#seal} in one table, row by row, and records the
 * key in the table's {@code master_key_id} column. Table and column names come from {@link
 * SealedColumns}, never from a request.
 */
final class SealedColumnsRewrapper implements MasterKeyRewrapper {

  private final String name;
  private final String table;
  private final String idColumn;
  private final List<String> columns;
  private final JdbcClient jdbc;
  private final MasterKey masterKey;

  SealedColumnsRewrapper(
      String name,
      String table,
      String idColumn,
      List<String> columns,
      JdbcClient jdbc,
      MasterKey masterKey) {
    this.name = name;
    this.table = table;
    this.idColumn = idColumn;
    this.columns = List.copyOf(columns);
    this.jdbc = jdbc;
    this.masterKey = masterKey;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long countPending(String keyId) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM "
                + table
                + " WHERE master_key_id IS NULL OR master_key_id <> :key")
        .param("key", keyId)
        .query(Long.class)
        .single();
  }

  @Override
  public int rewrapBatch(String keyId, int limit) {
    List<Map<String, Object>> rows =
        jdbc.sql(
                "SELECT "
                    + idColumn
                    + ", "
                    + String.join(", ", columns)
                    + " FROM "
                    + table
                    + " WHERE master_key_id IS NULL OR master_key_id <> :key ORDER BY "
                    + idColumn
                    + " LIMIT :limit")
            .param("key", keyId)
            .param("limit", limit)
            .query()
            .listOfRows();
    int done = 0;
    for (Map<String, Object> row : rows) {
      done += rewrapRow(keyId, row);
    }
    return done;
  }

  /**
   * Re-seals one row. The old values in the WHERE clause make the update a compare-and-set, so a
   * value that the application changed meanwhile is not overwritten. Such a row stays pending.
   */
  private int rewrapRow(String keyId, Map<String, Object> row) {
    List<String> assignments = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    conditions.add(idColumn + " = :id");
    List<Object[]> parameters = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      String old = (String) row.get(column);
      if (old == null) {
        conditions.add(column + " IS NULL");
        continue;
      }
      assignments.add(column + " = :new" + i);
      conditions.add(column + " = :old" + i);
      parameters.add(new Object[] {"new" + i, masterKey.seal(masterKey.open(old))});
      parameters.add(new Object[] {"old" + i, old});
    }
    assignments.add("master_key_id = :key");
    JdbcClient.StatementSpec statement =
        jdbc.sql(
                "UPDATE "
                    + table
                    + " SET "
                    + String.join(", ", assignments)
                    + " WHERE "
                    + String.join(" AND ", conditions))
            .param("key", keyId)
            .param("id", row.get(idColumn));
    for (Object[] parameter : parameters) {
      statement = statement.param((String) parameter[0], parameter[1]);
    }
    return statement.update();
  }
}
