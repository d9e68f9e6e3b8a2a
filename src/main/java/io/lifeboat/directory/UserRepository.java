package io.lifeboat.directory;

import static io.lifeboat.directory.CustomerRepository.instant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Users, their failover groups and flags. Addresses are passed in lower-case. */
@Repository
public class UserRepository {

  /** Rows fetched per round trip when streaming; keeps the heap flat for large customers. */
  private static final int STREAM_FETCH_SIZE = 500;

  private static final String USER_COLUMNS =
      """
      u.id, u.customer_id, u.email, u.domain, u.display_name, u.given_name, u.sur_name,
      u.language, u.timezone, u.department, u.cost_center, u.phone, u.mobile, s.activation,
      s.access, s.failover, u.created, u.modified, s.modified AS state_modified,
      s.deactivated, s.deletion_due
      """;

  /** The profile joined with the state; every query that reads whole users starts here. */
  private static final String USERS = " FROM mail_user u JOIN user_state s ON s.user_id = u.id";

  private final JdbcClient jdbc;
  private final NamedParameterJdbcTemplate named;
  private final NamedParameterJdbcTemplate streaming;

  public UserRepository(JdbcClient jdbc, NamedParameterJdbcTemplate named, DataSource dataSource) {
    this.jdbc = jdbc;
    this.named = named;
    JdbcTemplate cursor = new JdbcTemplate(dataSource);
    cursor.setFetchSize(STREAM_FETCH_SIZE);
    this.streaming = new NamedParameterJdbcTemplate(cursor);
  }

  /** Finds a user of any customer by address, deleted users included. */
  public Optional<User> findByEmail(String email) {
    return jdbc.sql("SELECT " + USER_COLUMNS + USERS + " WHERE u.email = :email")
        .param("email", email)
        .query((rs, n) -> map(rs, List.of()))
        .optional()
        .map(u -> withGroups(u, groupsOf(u.id())));
  }

  /** Finds a customer's user by address, deleted users included. */
  public Optional<User> find(String customerId, String email) {
    return findByEmail(email).filter(u -> u.customerId().equals(customerId));
  }

  /** Finds users of any customer by address, deleted users included, keyed by address. */
  public Map<String, User> findByEmails(Collection<String> emails) {
    Map<String, User> found = new HashMap<>();
    List<String> all = List.copyOf(emails);
    for (int from = 0; from < all.size(); from += 1000) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + 1000));
      Map<Long, List<String>> groups = new HashMap<>();
      jdbc.sql(
              """
              SELECT g.user_id, g.group_name FROM user_group g
                JOIN mail_user u ON u.id = g.user_id
               WHERE u.email IN (:emails) ORDER BY g.user_id, g.group_name
              """)
          .param("emails", chunk)
          .query(
              rs -> {
                groups.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
              });
      jdbc.sql("SELECT " + USER_COLUMNS + USERS + " WHERE u.email IN (:emails)")
          .param("emails", chunk)
          .query((rs, n) -> map(rs, groups.getOrDefault(rs.getLong("id"), List.of())))
          .list()
          .forEach(u -> found.put(u.email(), u));
    }
    return found;
  }

  /** Counts the active users of a customer matching a selection. */
  public long count(String customerId, UserSelection selection) {
    MapSqlParameterSource params = new MapSqlParameterSource("customer", customerId);
    String sql = "SELECT COUNT(*) FROM user_state s WHERE " + where(selection, params);
    return named.queryForObject(sql, params, Long.class);
  }

  /**
   * Passes every active user of a customer matching a selection to {@code sink}, in id order,
   * without holding them all in memory. Must run inside a transaction so that PostgreSQL uses a
   * cursor for the fetch size.
   */
  public void stream(String customerId, UserSelection selection, Consumer<User> sink) {
    MapSqlParameterSource params = new MapSqlParameterSource("customer", customerId);
    String sql =
        "SELECT "
            + USER_COLUMNS
            + ", g.group_name"
            + USERS
            + " LEFT JOIN user_group g ON g.user_id = u.id WHERE "
            + where(selection, params)
            + " ORDER BY u.id, g.group_name";
    GroupingRowHandler handler = new GroupingRowHandler(sink);
    streaming.query(sql, params, handler);
    handler.finish();
  }

  /** Lists the active users of a customer matching a selection, for bounded result sizes. */
  public List<User> list(String customerId, UserSelection selection) {
    List<User> users = new ArrayList<>();
    stream(customerId, selection, users::add);
    return users;
  }

  public long insert(String customerId, String domain, UserDraft d, Instant now) {
    MapSqlParameterSource p = fieldParameters(d).addValue("customer", customerId);
    p.addValue("domain", domain).addValue("now", Timestamp.from(now));
    KeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            """
            INSERT INTO mail_user (customer_id, email, domain, display_name, given_name,
                                   sur_name, language, timezone, department, cost_center,
                                   phone, mobile, created, modified)
            VALUES (:customer, :email, :domain, :displayName, :givenName, :surName, :language,
                    :timezone, :department, :costCenter, :phone, :mobile, :now, :now)
            """)
        .paramSource(p)
        .update(keys, "id");
    long id = keys.getKeyAs(Long.class);
    jdbc.sql(
            "INSERT INTO user_state (user_id, customer_id, modified) VALUES (:id, :customer, :now)")
        .param("id", id)
        .param("customer", customerId)
        .param("now", Timestamp.from(now))
        .update();
    return id;
  }

  /** Inserts users in batches and returns their ids in the order of {@code drafts}. */
  public long[] insertAll(String customerId, List<UserDraft> drafts, Instant now) {
    Timestamp time = Timestamp.from(now);
    MapSqlParameterSource[] rows = new MapSqlParameterSource[drafts.size()];
    for (int i = 0; i < rows.length; i++) {
      UserDraft d = drafts.get(i);
      String domain = d.email().substring(d.email().lastIndexOf('@') + 1);
      rows[i] =
          fieldParameters(d)
              .addValue("customer", customerId)
              .addValue("domain", domain)
              .addValue("now", time);
    }
    KeyHolder keys = new GeneratedKeyHolder();
    named.batchUpdate(
        """
        INSERT INTO mail_user (customer_id, email, domain, display_name, given_name, sur_name,
                               language, timezone, department, cost_center, phone, mobile,
                               created, modified)
        VALUES (:customer, :email, :domain, :displayName, :givenName, :surName, :language,
                :timezone, :department, :costCenter, :phone, :mobile, :now, :now)
        """,
        rows,
        keys,
        new String[] {"id"});
    List<Map<String, Object>> generated = keys.getKeyList();
    if (generated.size() != rows.length) {
      throw new IllegalStateException(
          "expected " + rows.length + " generated user ids, but got " + generated.size());
    }
    long[] ids = new long[rows.length];
    MapSqlParameterSource[] states = new MapSqlParameterSource[rows.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ((Number) generated.get(i).values().iterator().next()).longValue();
      states[i] =
          new MapSqlParameterSource("id", ids[i])
              .addValue("customer", customerId)
              .addValue("now", time);
    }
    named.batchUpdate(
        "INSERT INTO user_state (user_id, customer_id, modified) VALUES (:id, :customer, :now)",
        states);
    return ids;
  }

  /** Inserts the groups of several new users in one batch. */
  public void insertGroups(Map<Long, List<String>> groupsByUser) {
    List<MapSqlParameterSource> rows = new ArrayList<>();
    groupsByUser.forEach(
        (id, groups) ->
            groups.forEach(
                g -> rows.add(new MapSqlParameterSource("id", id).addValue("group", g))));
    if (!rows.isEmpty()) {
      named.batchUpdate(
          "INSERT INTO user_group (user_id, group_name) VALUES (:id, :group)",
          rows.toArray(MapSqlParameterSource[]::new));
    }
  }

  /** Writes the provisioned fields and clears a pending deletion. */
  public void update(long id, UserDraft d, Instant now) {
    MapSqlParameterSource p = fieldParameters(d).addValue("id", id);
    p.addValue("now", Timestamp.from(now));
    jdbc.sql(
            """
            UPDATE mail_user SET display_name = :displayName, given_name = :givenName,
                   sur_name = :surName, language = :language, timezone = :timezone,
                   department = :department, cost_center = :costCenter, phone = :phone,
                   mobile = :mobile, modified = :now
             WHERE id = :id
            """)
        .paramSource(p)
        .update();
    jdbc.sql(
            """
            UPDATE user_state SET deactivated = NULL, deletion_due = NULL, modified = :now
             WHERE user_id = :id AND deactivated IS NOT NULL
            """)
        .param("now", Timestamp.from(now))
        .param("id", id)
        .update();
  }

  public void replaceGroups(long userId, List<String> groups) {
    jdbc.sql("DELETE FROM user_group WHERE user_id = :id").param("id", userId).update();
    insertGroups(userId, groups);
  }

  public void insertGroups(long userId, List<String> groups) {
    if (groups.isEmpty()) {
      return;
    }
    MapSqlParameterSource[] rows =
        groups.stream()
            .map(g -> new MapSqlParameterSource("id", userId).addValue("group", g))
            .toArray(MapSqlParameterSource[]::new);
    named.batchUpdate("INSERT INTO user_group (user_id, group_name) VALUES (:id, :group)", rows);
  }

  /**
   * Sets a flag on every active user of a customer that matches the selection and does not have the
   * value yet, and marks the changed rows with {@code ref}. Returns how many changed.
   */
  public int setFlag(
      String customerId,
      UserSelection selection,
      Flag flag,
      boolean value,
      String ref,
      Instant now) {
    MapSqlParameterSource params = new MapSqlParameterSource("customer", customerId);
    params.addValue("value", value).addValue("ref", ref).addValue("now", Timestamp.from(now));
    String column = flag.column();
    String sql =
        "UPDATE user_state s SET "
            + column
            + " = :value, modified = :now, change_ref = :ref WHERE "
            + where(selection, params)
            + " AND s."
            + column
            + " <> :value";
    return named.update(sql, params);
  }

  /**
   * Returns the ids, addresses and state change times of active users in failover whose state
   * changed after {@code since}, for the delivery queue to re-route mail that waits for them.
   */
  public List<FailoverSwitch> failoverSwitchedSince(Instant since) {
    return jdbc.sql(
            """
            SELECT u.id, u.email, s.modified FROM user_state s JOIN mail_user u ON u.id = s.user_id
             WHERE s.failover = TRUE AND s.deactivated IS NULL AND s.modified > :since
            """)
        .param("since", Timestamp.from(since))
        .query(
            (rs, n) ->
                new FailoverSwitch(
                    rs.getLong("id"),
                    rs.getString("email"),
                    rs.getTimestamp("modified").toInstant()))
        .list();
  }

  /** A user in failover and when its state last changed. */
  public record FailoverSwitch(long userId, String email, Instant modified) {}

  /** Sets a flag on one user; returns false when it already had the value. */
  public boolean setFlag(long userId, Flag flag, boolean value, Instant now) {
    return jdbc.sql(
                "UPDATE user_state SET "
                    + flag.column()
                    + " = :value, modified = :now WHERE user_id = :id AND "
                    + flag.column()
                    + " <> :value")
            .param("value", value)
            .param("now", Timestamp.from(now))
            .param("id", userId)
            .update()
        > 0;
  }

  /**
   * Marks the active users matching a selection as deleted, with the purge due at {@code due}, and
   * tags them with {@code ref}. Returns how many were marked.
   */
  public int markDeleted(
      String customerId, UserSelection selection, String ref, Instant now, Instant due) {
    MapSqlParameterSource params = new MapSqlParameterSource("customer", customerId);
    params.addValue("ref", ref).addValue("now", Timestamp.from(now));
    params.addValue("due", Timestamp.from(due));
    String sql =
        "UPDATE user_state s SET deactivated = :now, deletion_due = :due, modified = :now,"
            + " change_ref = :ref WHERE "
            + where(selection, params);
    return named.update(sql, params);
  }

  /**
   * Marks the listed active users of a customer as deleted, with the purge due at {@code due}, and
   * tags them with {@code ref}. Addresses are lower-case, and unknown and deleted users are
   * skipped. Returns how many were marked.
   */
  public int markDeleted(
      String customerId, Collection<String> emails, String ref, Instant now, Instant due) {
    List<String> all = List.copyOf(emails);
    int marked = 0;
    for (int from = 0; from < all.size(); from += 1000) {
      marked +=
          jdbc.sql(
                  """
                  UPDATE user_state SET deactivated = :now, deletion_due = :due, modified = :now,
                         change_ref = :ref
                   WHERE customer_id = :customer AND deactivated IS NULL
                     AND user_id IN (SELECT id FROM mail_user
                                      WHERE customer_id = :customer AND email IN (:emails))
                  """)
              .param("now", Timestamp.from(now))
              .param("due", Timestamp.from(due))
              .param("ref", ref)
              .param("customer", customerId)
              .param("emails", all.subList(from, Math.min(all.size(), from + 1000)))
              .update();
    }
    return marked;
  }

  /** Marks one user as deleted unless it already is; returns whether it changed. */
  public boolean markDeleted(long userId, Instant now, Instant due) {
    return jdbc.sql(
                """
                UPDATE user_state SET deactivated = :now, deletion_due = :due, modified = :now
                 WHERE user_id = :id AND deactivated IS NULL
                """)
            .param("now", Timestamp.from(now))
            .param("due", Timestamp.from(due))
            .param("id", userId)
            .update()
        > 0;
  }

  /**
   * Deletes the activation and reset tokens of the users that the bulk deletion tagged {@code ref}
   * marked, so that a token issued before a deletion does not work again after a restore.
   */
  public int deleteTokensOfDeleted(String customerId, String ref) {
    return jdbc.sql(
            """
            DELETE FROM account_token
             WHERE user_id IN (SELECT user_id FROM user_state
                                WHERE customer_id = :customer AND change_ref = :ref
                                  AND deletion_due IS NOT NULL)
            """)
        .param("customer", customerId)
        .param("ref", ref)
        .update();
  }

  /** Deletes the activation and reset tokens of one user. */
  public int deleteTokens(long userId) {
    return jdbc.sql("DELETE FROM account_token WHERE user_id = :id").param("id", userId).update();
  }

  /** Returns the addresses of the users tagged with {@code ref} by one bulk change. */
  public List<String> emailsChangedBy(String customerId, String ref) {
    return jdbc.sql(
            "SELECT u.email"
                + USERS
                + " WHERE s.customer_id = :c AND s.change_ref = :ref ORDER BY u.id")
        .param("c", customerId)
        .param("ref", ref)
        .query(String.class)
        .list();
  }

  /** Returns users whose deletion grace has run out: id, customer and address. */
  public List<User> findDueForPurge(Instant now, int limit) {
    return jdbc.sql(
            "SELECT "
                + USER_COLUMNS
                + USERS
                + " WHERE s.deletion_due <= :now ORDER BY s.deletion_due"
                + " LIMIT :limit")
        .param("now", Timestamp.from(now))
        .param("limit", limit)
        .query((rs, n) -> map(rs, List.of()))
        .list();
  }

  /**
   * Locks the state row of a user whose deletion is due, so that a restore waits until the purge
   * ends. Returns false when the user was restored or purged meanwhile.
   */
  public boolean lockDueForPurge(long userId, Instant now) {
    return jdbc.sql(
            """
            SELECT user_id FROM user_state WHERE user_id = :id AND deletion_due <= :now
               FOR UPDATE
            """)
        .param("id", userId)
        .param("now", Timestamp.from(now))
        .query(Long.class)
        .optional()
        .isPresent();
  }

  /** Deletes a user row for good if its deletion is still due; returns whether it did. */
  public boolean purge(long userId, Instant now) {
    return jdbc.sql(
                """
                DELETE FROM mail_user WHERE id = :id
                   AND id IN (SELECT user_id FROM user_state WHERE deletion_due <= :now)
                """)
            .param("id", userId)
            .param("now", Timestamp.from(now))
            .update()
        > 0;
  }

  public Optional<String> passwordHash(long userId) {
    return jdbc.sql("SELECT password_hash FROM mail_user WHERE id = :id")
        .param("id", userId)
        .query(String.class)
        .optional();
  }

  /** Stores a new password hash and sets {@code activation}. */
  public void setPassword(long userId, String hash, Instant now) {
    jdbc.sql(
            """
            UPDATE mail_user SET password_hash = :hash, password_changed = :now, modified = :now
             WHERE id = :id
            """)
        .param("hash", hash)
        .param("now", Timestamp.from(now))
        .param("id", userId)
        .update();
    jdbc.sql("UPDATE user_state SET activation = TRUE, modified = :now WHERE user_id = :id")
        .param("now", Timestamp.from(now))
        .param("id", userId)
        .update();
  }

  private static String where(UserSelection s, MapSqlParameterSource params) {
    StringBuilder sql = new StringBuilder("s.customer_id = :customer AND s.deactivated IS NULL");
    if (s.activation() != null) {
      sql.append(" AND s.activation = :activation");
      params.addValue("activation", s.activation());
    }
    if (s.access() != null) {
      sql.append(" AND s.access = :access");
      params.addValue("access", s.access());
    }
    if (s.failover() != null) {
      sql.append(" AND s.failover = :failover");
      params.addValue("failover", s.failover());
    }
    if (!s.groups().isEmpty()) {
      sql.append(
          " AND s.user_id IN (SELECT g2.user_id FROM user_group g2 WHERE g2.group_name IN (:groups))");
      params.addValue("groups", s.groups());
    }
    return sql.toString();
  }

  private static MapSqlParameterSource fieldParameters(UserDraft d) {
    return new MapSqlParameterSource()
        .addValue("email", d.email())
        .addValue("displayName", d.displayName())
        .addValue("givenName", d.givenName())
        .addValue("surName", d.surName())
        .addValue("language", d.language())
        .addValue("timezone", d.timezone())
        .addValue("department", emptyToNull(d.department()))
        .addValue("costCenter", emptyToNull(d.costCenter()))
        .addValue("phone", emptyToNull(d.phone()))
        .addValue("mobile", emptyToNull(d.mobile()));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private List<String> groupsOf(long userId) {
    return jdbc.sql("SELECT group_name FROM user_group WHERE user_id = :id ORDER BY group_name")
        .param("id", userId)
        .query(String.class)
        .list();
  }

  private static User withGroups(User u, List<String> groups) {
    return new User(
        u.id(),
        u.customerId(),
        u.email(),
        u.domain(),
        u.displayName(),
        u.givenName(),
        u.surName(),
        u.language(),
        u.timezone(),
        u.department(),
        u.costCenter(),
        u.phone(),
        u.mobile(),
        groups,
        u.activation(),
        u.access(),
        u.failover(),
        u.created(),
        u.modified(),
        u.deactivated(),
        u.deletionDue());
  }

  static User map(ResultSet rs, List<String> groups) throws SQLException {
    return new User(
        rs.getLong("id"),
        rs.getString("customer_id"),
        rs.getString("email"),
        rs.getString("domain"),
        rs.getString("display_name"),
        rs.getString("given_name"),
        rs.getString("sur_name"),
        rs.getString("language"),
        rs.getString("timezone"),
        rs.getString("department"),
        rs.getString("cost_center"),
        rs.getString("phone"),
        rs.getString("mobile"),
        groups,
        rs.getBoolean("activation"),
        rs.getBoolean("access"),
        rs.getBoolean("failover"),
        instant(rs, "created"),
        latest(instant(rs, "modified"), instant(rs, "state_modified")),
        instant(rs, "deactivated"),
        instant(rs, "deletion_due"));
  }

  private static Instant latest(Instant a, Instant b) {
    return b != null && b.isAfter(a) ? b : a;
  }

  /** Folds the rows of a user-to-group join, ordered by user id, into one user each. */
  private static final class GroupingRowHandler implements RowCallbackHandler {
    private final Consumer<User> sink;
    private User current;
    private List<String> groups = new ArrayList<>();

    GroupingRowHandler(Consumer<User> sink) {
      this.sink = sink;
    }

    @Override
    public void processRow(ResultSet rs) throws SQLException {
      long id = rs.getLong("id");
      if (current != null && current.id() != id) {
        finish();
      }
      if (current == null) {
        current = map(rs, List.of());
      }
      String group = rs.getString("group_name");
      if (group != null) {
        groups.add(group);
      }
    }

    void finish() {
      if (current != null) {
        sink.accept(withGroups(current, List.copyOf(groups)));
        current = null;
        groups = new ArrayList<>();
      }
    }
  }
}
