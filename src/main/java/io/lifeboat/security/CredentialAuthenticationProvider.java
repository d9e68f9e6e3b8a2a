package io.lifeboat.security;

import io.lifeboat.account.Secrets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * HTTP Basic authentication of the REST APIs, against either the customers' API credentials or the
 * operator password, with per-address throttling of failures.
 */
public class CredentialAuthenticationProvider implements AuthenticationProvider {

  public static final String CUSTOMER_ROLE = "ROLE_CUSTOMER_API";
  public static final String OPERATOR_ROLE = "ROLE_OPERATOR";

  private static final String UNKNOWN_USER_DIGEST = Secrets.sha256("no such credential");

  private final AuthThrottle throttle;
  private final JdbcClient jdbc;
  private final OperatorPassword operatorPassword;

  private record StoredCredential(String customerId, String secretHash) {}

  private CredentialAuthenticationProvider(
      AuthThrottle throttle, JdbcClient jdbc, OperatorPassword operatorPassword) {
    this.throttle = throttle;
    this.jdbc = jdbc;
    this.operatorPassword = operatorPassword;
  }

  /** Authenticates customer API credentials from the {@code api_credential} table. */
  public static CredentialAuthenticationProvider forCustomers(AuthThrottle t, JdbcClient jdbc) {
    return new CredentialAuthenticationProvider(t, jdbc, null);
  }

  /** Authenticates the {@code operator} login. */
  public static CredentialAuthenticationProvider forOperator(AuthThrottle t, OperatorPassword p) {
    return new CredentialAuthenticationProvider(t, null, p);
  }

  @Override
  public Authentication authenticate(Authentication request) {
    String address = clientAddress(request);
    Instant locked = throttle.lockedUntil(address);
    if (locked != null) {
      throw new ThrottledException(locked);
    }
    String username = request.getName();
    String password = request.getCredentials() == null ? "" : request.getCredentials().toString();
    Optional<Authentication> result =
        operatorPassword != null ? operator(username, password) : customer(username, password);
    if (result.isEmpty()) {
      throttle.failed(address);
      throw new BadCredentialsException("wrong username or password");
    }
    throttle.succeeded(address);
    return result.get();
  }

  private Optional<Authentication> operator(String username, String password) {
    boolean ok = operatorPassword.matches(password) & "operator".equals(username);
    if (!ok) {
      return Optional.empty();
    }
    return Optional.of(token(new ApiPrincipal("operator", null), OPERATOR_ROLE));
  }

  private Optional<Authentication> customer(String username, String password) {
    Optional<StoredCredential> stored =
        jdbc.sql("SELECT customer_id, secret_hash FROM api_credential WHERE username = :u")
            .param("u", username)
            .query((rs, n) -> new StoredCredential(rs.getString(1), rs.getString(2)))
            .optional();
    String expected = stored.map(StoredCredential::secretHash).orElse(UNKNOWN_USER_DIGEST);
    boolean ok = Secrets.digestsEqual(expected, Secrets.sha256(password)) && stored.isPresent();
    if (!ok) {
      return Optional.empty();
    }
    return Optional.of(token(new ApiPrincipal(username, stored.get().customerId()), CUSTOMER_ROLE));
  }

  private static Authentication token(ApiPrincipal principal, String role) {
    return UsernamePasswordAuthenticationToken.authenticated(
        principal, null, List.of(new SimpleGrantedAuthority(role)));
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
