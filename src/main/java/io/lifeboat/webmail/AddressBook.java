package io.lifeboat.webmail;

import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The global address book: the provisioned users of one customer, without deleted users. Every
 * query is bound to the signed-in user's customer, so no other customer's users are ever listed.
 */
@Repository
public class AddressBook {

  /** One entry. Department and phone are null when not provisioned. */
  public record Contact(String name, String email, String department, String phone) {}

  static final int MAX_RESULTS = 200;

  private final JdbcClient jdbc;

  AddressBook(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Lists the customer's users whose name, address or department contains {@code query}. */
  List<Contact> search(String customerId, String query) {
    String like =
        "%" + escapeLike(query == null ? "" : query.trim().toLowerCase(Locale.ROOT)) + "%";
    return jdbc.sql(
            "SELECT u.display_name, u.email, u.department, u.phone FROM mail_user u"
                + " JOIN user_state s ON s.user_id = u.id"
                + " WHERE u.customer_id = :customer AND s.customer_id = :customer"
                + " AND s.deactivated IS NULL"
                + " AND (LOWER(u.display_name) LIKE :like OR u.email LIKE :like"
                + " OR LOWER(COALESCE(u.department, '')) LIKE :like)"
                + " ORDER BY LOWER(u.display_name), u.email LIMIT "
                + MAX_RESULTS)
        .param("customer", customerId)
        .param("like", like)
        .query(
            (rs, n) ->
                new Contact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
        .list();
  }

  /** Escapes LIKE wildcards; the backslash is the default escape of H2 and PostgreSQL. */
  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
