package io.lifeboat.operator;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.account.PasswordPolicy;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The SFTP login of a customer's CSV drop: a password (stored as Argon2id) and/or one OpenSSH
 * public key. The login name is the customer id.
 */
@Service
public class SftpLoginService {

  static final Set<String> KEY_TYPES =
      Set.of(
          "ssh-ed25519",
          "ssh-rsa",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521",
          "sk-ssh-ed25519@openssh.com",
          "sk-ecdsa-sha2-nistp256@openssh.com");

  private final JdbcClient jdbc;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final Clock clock;
  private final CustomerService customers;

  public SftpLoginService(
      JdbcClient jdbc,
      PasswordHasher hasher,
      AuditLog audit,
      Clock clock,
      CustomerService customers) {
    this.jdbc = jdbc;
    this.hasher = hasher;
    this.audit = audit;
    this.clock = clock;
    this.customers = customers;
  }

  /** The stored login: the password hash and the public key line, either may be null. */
  public record SftpLogin(String passwordHash, String publicKey) {}

  /** Sets the fields given; a field left out keeps its value. */
  @Transactional
  public void put(Actor actor, String customerId, SftpLoginRequest request) {
    customers.get(customerId);
    List<Violation> errors = new ArrayList<>();
    if (request == null || (request.password() == null && request.publicKey() == null)) {
      throw new InvalidInputException(
          "password", null, "give password, publicKey or both for the SFTP login");
    }
    if (request.password() != null) {
      PasswordPolicy.check(request.password())
          .forEach(m -> errors.add(new Violation("password", null, m)));
    }
    String key = request.publicKey() == null ? null : request.publicKey().trim();
    if (key != null) {
      validateKey(key).ifPresent(m -> errors.add(new Violation("publicKey", abbreviate(key), m)));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    SftpLogin before = find(customerId).orElse(new SftpLogin(null, null));
    String hash =
        request.password() == null ? before.passwordHash() : hasher.hash(request.password());
    String storedKey = key == null ? before.publicKey() : key;
    Timestamp now = Timestamp.from(clock.instant());
    int updated =
        jdbc.sql(
                "UPDATE sftp_login SET password_hash = :h, public_key = :k, modified = :now"
                    + " WHERE customer_id = :c")
            .param("h", hash)
            .param("k", storedKey)
            .param("now", now)
            .param("c", customerId)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "INSERT INTO sftp_login (customer_id, password_hash, public_key, modified)"
                  + " VALUES (:c, :h, :k, :now)")
          .param("h", hash)
          .param("k", storedKey)
          .param("now", now)
          .param("c", customerId)
          .update();
    }
    if (request.password() != null) {
      audit.record(actor, new Change(customerId, null, "sftp.password-set", null, null, null));
    }
    if (key != null) {
      audit.record(
          actor,
          new Change(customerId, null, "sftp.key-set", "publicKey", null, key.split("\\s+")[0]));
    }
  }

  @Transactional(readOnly = true)
  public Optional<SftpLogin> find(String customerId) {
    return jdbc.sql("SELECT password_hash, public_key FROM sftp_login WHERE customer_id = :c")
        .param("c", customerId)
        .query((rs, n) -> new SftpLogin(rs.getString(1), rs.getString(2)))
        .optional();
  }

  /** Checks an OpenSSH public key line: type, base64 blob whose embedded type matches. */
  static Optional<String> validateKey(String line) {
    String[] parts = line.split("\\s+");
    String hint = "publicKey must be one OpenSSH public key line such as 'ssh-ed25519 AAAA… user'";
    if (parts.length < 2 || !KEY_TYPES.contains(parts[0])) {
      return Optional.of(hint + "; supported types: " + String.join(", ", KEY_TYPES));
    }
    try {
      ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(parts[1]));
      int length = blob.getInt();
      if (length <= 0 || length > blob.remaining()) {
        return Optional.of(hint + "; the key data is truncated");
      }
      byte[] type = new byte[length];
      blob.get(type);
      if (!parts[0].equals(new String(type, StandardCharsets.US_ASCII))) {
        return Optional.of(hint + "; the key data is not of type " + parts[0]);
      }
      return Optional.empty();
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      return Optional.of(hint + "; the key data is not valid base64");
    }
  }

  private static String abbreviate(String key) {
    return key.length() <= 60 ? key : key.substring(0, 57) + "...";
  }
}
