package io.lifeboat.account;

import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.crypto.MasterKey;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.directory.UserRules;
import io.lifeboat.directory.Violation;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Single-use activation and password-reset tokens: 32 characters of {@code [a-z0-9]} from {@link
 * java.security.SecureRandom}, stored only as SHA-256, valid for the customer's token lifetime.
 * Issuing a token deletes the user's older ones.
 */
@Service
public class TokenService {

  private static final Logger log = LoggerFactory.getLogger(TokenService.class);
  public static final int TOKEN_LENGTH = 32;

  /** The one error message for every unusable token, so that no two cases can be distinguished. */
  public static final String INVALID_TOKEN = "invalid or expired token";

  private final JdbcClient jdbc;
  private final UserRepository users;
  private final CustomerRepository customers;
  private final AuditLog audit;
  private final PasswordHasher hasher;
  private final MasterKey masterKey;
  private final LifeboatProperties properties;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public TokenService(
      JdbcClient jdbc,
      UserRepository users,
      CustomerRepository customers,
      AuditLog audit,
      PasswordHasher hasher,
      MasterKey masterKey,
      LifeboatProperties properties,
      TransactionTemplate transactions,
      Clock clock) {
    this.jdbc = jdbc;
    this.users = users;
    this.customers = customers;
    this.audit = audit;
    this.hasher = hasher;
    this.masterKey = masterKey;
    this.properties = properties;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Issues a token for an active user inside the caller's transaction, voiding older ones. When
   * {@code notify} is true, the link is queued for a notification mail unless the user is in
   * failover, where the mail would land in a mailbox the user cannot open yet.
   */
  public IssuedToken issue(Actor actor, Customer customer, User user, boolean notify) {
    Instant now = clock.instant();
    Instant expiry =
        now.plus(Duration.ofDays(customer.tokenLifetimeDays())).truncatedTo(ChronoUnit.SECONDS);
    String token = Secrets.lowerAlphanumeric(TOKEN_LENGTH);
    boolean activated = users.passwordHash(user.id()).isPresent();
    String kind = activated ? "password-reset" : "activation";
    String url = baseUrl(customer) + "/" + kind + "?token=" + token;

    lockUser(user.id());
    jdbc.sql("DELETE FROM account_token WHERE user_id = :id").param("id", user.id()).update();
    jdbc.sql(
            "INSERT INTO account_token (token_hash, user_id, created, expires)"
                + " VALUES (:hash, :id, :now, :expires)")
        .param("hash", Secrets.sha256(token))
        .param("id", user.id())
        .param("now", Timestamp.from(now))
        .param("expires", Timestamp.from(expiry))
        .update();

    String warning = null;
    if (notify && user.failover()) {
      warning =
          "no notification mail was sent because "
              + user.email()
              + " is in failover and its mail would land in the standby mailbox that the user"
              + " cannot open yet; pass the url to the user another way";
    } else if (notify) {
      queueNotification(customer, user, kind, url, expiry, now);
    }
    audit.record(
        actor,
        new Change(
            customer.id(), user.email(), "token.issued", "kind", null, kind + expiryNote(expiry)));
    log.info(
        "Issued {} token customer={} user={} expires={} notify={}",
        kind,
        customer.id(),
        user.email(),
        expiry,
        notify && warning == null);
    return new IssuedToken(token, expiry, url, warning);
  }

  /**
   * Sets a user's password with a token and sets {@code activation}. Every unusable token (unknown,
   * used, expired, voided or of another user) raises the same {@link NotFoundException}; a password
   * that breaks the policy raises {@link InvalidInputException} naming every broken rule, and
   * leaves the token usable.
   */
  public void setPassword(Actor actor, String email, String token, String password) {
    List<String> broken = PasswordPolicy.check(password);
    if (!broken.isEmpty()) {
      throw new InvalidInputException(
          broken.stream().map(m -> new Violation("password", null, m)).toList());
    }
    String address = UserRules.normalizeEmail(email);
    String tokenHash = token == null ? "" : Secrets.sha256(token);
    // Check first without the slow hash, so that guessing tokens costs the server nothing.
    User user = usableTokenOwner(tokenHash, address).orElseThrow(TokenService::invalidToken);
    String hash = hasher.hash(password);

    transactions.executeWithoutResult(
        status -> {
          lockUser(user.id());
          Instant now = clock.instant();
          int consumed =
              jdbc.sql(
                      """
                      UPDATE account_token SET used = :now
                       WHERE token_hash = :hash AND user_id = :id AND used IS NULL
                         AND expires > :now
                      """)
                  .param("now", Timestamp.from(now))
                  .param("hash", tokenHash)
                  .param("id", user.id())
                  .update();
          if (consumed != 1) {
            throw invalidToken();
          }
          users.setPassword(user.id(), hash, now);
          audit.record(
              actor,
              new Change(
                  user.customerId(),
                  user.email(),
                  user.activation() ? "password.reset" : "account.activated",
                  "activation",
                  Boolean.toString(user.activation()),
                  "true"));
        });
    log.info(
        "Password set customer={} user={} activation={}", user.customerId(), user.email(), true);
  }

  /**
   * Returns the language of the user a token belongs to while the token is usable, so that the
   * account pages can greet the user in it. Consumes nothing.
   */
  public Optional<String> languageOfTokenOwner(String token) {
    if (token == null || token.length() != TOKEN_LENGTH) {
      return Optional.empty();
    }
    return jdbc.sql(
            """
            SELECT u.language FROM account_token t JOIN mail_user u ON u.id = t.user_id
             WHERE t.token_hash = :hash AND t.used IS NULL AND t.expires > :now
            """)
        .param("hash", Secrets.sha256(token))
        .param("now", Timestamp.from(clock.instant()))
        .query(String.class)
        .optional();
  }

  /**
   * Locks the user's row until the transaction ends. Concurrent issues for one user then run one
   * after another, so each deletes the token before it. Setting a password takes the same lock
   * first, so the two paths cannot deadlock on the token rows.
   */
  private void lockUser(long userId) {
    jdbc.sql("SELECT id FROM mail_user WHERE id = :id FOR UPDATE")
        .param("id", userId)
        .query(Long.class)
        .optional();
  }

  private Optional<User> usableTokenOwner(String tokenHash, String email) {
    if (email == null) {
      return Optional.empty();
    }
    Optional<Long> userId =
        jdbc.sql(
                """
                SELECT user_id FROM account_token
                 WHERE token_hash = :hash AND used IS NULL AND expires > :now
                """)
            .param("hash", tokenHash)
            .param("now", Timestamp.from(clock.instant()))
            .query(Long.class)
            .optional();
    return userId.flatMap(
        id -> users.findByEmail(email).filter(u -> u.id() == id && !u.isDeleted()));
  }

  private void queueNotification(
      Customer customer, User user, String kind, String url, Instant expiry, Instant now) {
    jdbc.sql(
            """
            INSERT INTO notification_outbox (customer_id, user_id, kind, link_encrypted,
                                             expires, created)
            VALUES (:customer, :user, :kind, :link, :expires, :now)
            """)
        .param("customer", customer.id())
        .param("user", user.id())
        .param("kind", kind)
        .param("link", masterKey.seal(url))
        .param("expires", Timestamp.from(expiry))
        .param("now", Timestamp.from(now))
        .update();
  }

  private String baseUrl(Customer customer) {
    String base =
        customer.publicBaseUrl() != null && !customer.publicBaseUrl().isBlank()
            ? customer.publicBaseUrl()
            : properties.publicBaseUrl();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private static String expiryNote(Instant expiry) {
    return " until " + expiry;
  }

  private static NotFoundException invalidToken() {
    return new NotFoundException(INVALID_TOKEN);
  }

  /** Customer lookup for callers that hold only an id. */
  public Customer customer(String customerId) {
    return customers
        .find(customerId)
        .orElseThrow(() -> new NotFoundException("customer " + customerId + " not found"));
  }
}
