package io.lifeboat.webmail;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.audit.Actor;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.audit.AuditLog.Change;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.directory.UserRules;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.security.ThrottledException;
import io.lifeboat.web.RequestIdFilter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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
  private final AuditLog audit;
  private final Clock clock;

  public WebmailAuthenticationProvider(
      UserRepository users,
      PasswordHasher hasher,
      AuthThrottle throttle,
      AuditLog audit,
      Clock clock) {
    this.users = users;
    this.hasher = hasher;
    this.throttle = throttle;
    this.audit = audit;
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
      found.ifPresent(user -> record(request, user, "webmail.login-failed"));
      throw new BadCredentialsException("wrong address or password");
    }
    User user = found.get();
    if (!user.access()) {
      log.info(
          "Webmail login rejected, access closed customer={} user={}", user.customerId(), email);
      record(request, user, "webmail.login-rejected");
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
    record(request, user, "webmail.login");
    return UsernamePasswordAuthenticationToken.authenticated(
        principal, null, List.of(new SimpleGrantedAuthority(ROLE)));
  }

  /** Records a login attempt of a known user in the audit log, with {@code webmail} as actor. */
  private void record(Authentication request, User user, String action) {
    String requestId =
        RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
            ? RequestIdFilter.requestId(attributes.getRequest())
            : UUID.randomUUID().toString();
    audit.record(
        new Actor(requestId, "webmail", clientAddress(request)),
        new Change(user.customerId(), user.email(), action, null, null, null));
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
