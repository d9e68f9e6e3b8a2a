package io.lifeboat.sftp;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.directory.Customer;
import io.lifeboat.operator.SftpLoginService;
import io.lifeboat.operator.SftpLoginService.SftpLogin;
import io.lifeboat.security.AuthThrottle;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks SFTP logins against the login the operator set for each customer: the login name is the
 * customer id, with its password (Argon2id) or its OpenSSH public key. Failed passwords count
 * towards the same per-address lockout as the REST APIs, under a key of their own.
 */
final class DropLoginAuthenticator implements PasswordAuthenticator, PublickeyAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(DropLoginAuthenticator.class);

  private final SftpLoginService logins;
  private final PasswordHasher hasher;
  private final AuthThrottle throttle;

  /** A hash that no password matches, checked for unknown logins so they take as long as known. */
  private volatile String decoyHash;

  DropLoginAuthenticator(SftpLoginService logins, PasswordHasher hasher, AuthThrottle throttle) {
    this.logins = logins;
    this.hasher = hasher;
    this.throttle = throttle;
  }

  @Override
  public boolean authenticate(String username, String password, ServerSession session) {
    String address = clientAddress(session);
    String throttleKey = "sftp " + address;
    if (throttle.lockedUntil(throttleKey) != null) {
      log.info("SFTP login rejected, address locked out login={} client={}", username, address);
      return false;
    }
    Optional<SftpLogin> login = find(username);
    String hash = login.map(SftpLogin::passwordHash).orElse(null);
    boolean matches = hasher.matches(password, hash != null ? hash : decoyHash());
    boolean ok = matches && hash != null;
    if (!ok) {
      log.info("SFTP login failed login={} method=password client={}", username, address);
      throttle.failed(throttleKey);
      return false;
    }
    throttle.succeeded(throttleKey);
    log.info("SFTP login customer={} method=password client={}", username, address);
    return true;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    Optional<PublicKey> stored =
        find(username).map(SftpLogin::publicKey).flatMap(line -> parse(username, line));
    boolean ok = stored.isPresent() && KeyUtils.compareKeys(stored.get(), key);
    if (ok) {
      log.debug(
          "SFTP public key accepted customer={} key={} client={}",
          username,
          KeyUtils.getFingerPrint(key),
          clientAddress(session));
    }
    return ok;
  }

  private Optional<SftpLogin> find(String username) {
    if (username == null || !username.matches(Customer.ID_PATTERN)) {
      return Optional.empty();
    }
    return logins.find(username);
  }

  private static Optional<PublicKey> parse(String customerId, String line) {
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line);
      return Optional.ofNullable(
          entry == null ? null : entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
    } catch (Exception e) {
      log.warn(
          "SFTP public key unreadable customer={}; set it again: {}", customerId, e.getMessage());
      return Optional.empty();
    }
  }

  private String decoyHash() {
    String hash = decoyHash;
    if (hash == null) {
      hash = hasher.hash("decoy-" + System.nanoTime());
      decoyHash = hash;
    }
    return hash;
  }

  static String clientAddress(ServerSession session) {
    SocketAddress address = session.getClientAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }
}
