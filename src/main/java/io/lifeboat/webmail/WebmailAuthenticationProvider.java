package io.lifeboat.webmail;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.directory.UserRules;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.security.ThrottledException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Webmail login with the corporate address and password. A wrong address and a wrong password get
 * the same error message. Only a correct password reveals that access is still closed. Failures are
 * throttled per client address and per account.
 */
public class WebmailAuthenticationProvider implements AuthenticationProvider {

  public static final String ROLE = "ROLE_MAILBOX";
  private static final Logger log = LoggerFactory.getLogger(WebmailAuthenticationProvider.class);

  /** Verified when the address is unknown, so that both cases take the same time. */
  private final String decoyHash;

  private final UserRepository users;
  private final PasswordHasher hasher;
  private final AuthThrottle throttle;
  private final Clock clock;

  public WebmailAuthenticationProvider(
      UserRepository users, PasswordHasher hasher, AuthThrottle throttle, Clock clock) {
    this.users = users;
    this.hasher = hasher;
    this.throttle = throttle;
    this.clock = clock;
    this.decoyHash = hasher.hash("decoy-password-for-timing");
  }

  @Override
  public Authentication authenticate(Authentication request) {
    String email = UserRules.normalizeEmail(request.getName());
    String addressKey = "webmail-address:" + clientAddress(request);
    String accountKey = "webmail-account:" + email;
    Instant locked = later(throttle.lockedUntil(addressKey), throttle.lockedUntil(accountKey));
    if (locked != null) {
      throw new ThrottledException(locked);
    }
    String password = request.getCredentials() == null ? "" : request.getCredentials().toString();

    Optional<User> found = email == null ? Optional.empty() : users.findByEmail(email);
    String hash = found.flatMap(u -> users.passwordHash(u.id())).orElse(decoyHash);
    boolean matches = hasher.matches(password, hash);
    if (found.isEmpty() || found.get().isDeleted() || !found.get().activation() || !matches) {
      throttle.failed(addressKey);
      throttle.failed(accountKey);
      log.info("Webmail login failed user={} address={}", email, clientAddress(request));
      throw new BadCredentialsException("wrong address or password");
    }
    User user = found.get();
    if (!user.access()) {
      log.info(
          "Webmail login rejected, access closed customer={} user={}", user.customerId(), email);
      throw new DisabledException("standby mailbox not open");
    }
    throttle.succeeded(addressKey);
    throttle.succeeded(accountKey);
    WebmailUser principal =
        new WebmailUser(
            user.id(),
            user.email(),
            user.customerId(),
            user.displayName(),
            user.language(),
            user.timezone(),
            clock.instant());
    log.info("Webmail login customer={} user={}", user.customerId(), email);
    return UsernamePasswordAuthenticationToken.authenticated(
        principal, null, List.of(new SimpleGrantedAuthority(ROLE)));
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static String clientAddress(Authentication request) {
    if (request.getDetails() instanceof WebAuthenticationDetails details) {
      return details.getRemoteAddress();
    }
    return "unknown";
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
