package io.lifeboat.webmail;

import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends a webmail session as soon as its user may no longer be signed in: access switched off, the
 * user deleted, or the password changed after the session began (a reset elsewhere ends every
 * session). Checked on every request with one primary-key lookup.
 */
public class SessionGuardFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(SessionGuardFilter.class);

  private final UserRepository users;
  private final JdbcClient jdbc;

  public SessionGuardFilter(UserRepository users, JdbcClient jdbc) {
    this.users = users;
    this.jdbc = jdbc;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.getPrincipal() instanceof WebmailUser user && !stillAllowed(user)) {
      log.info("Webmail session ended customer={} user={}", user.customerId(), user.email());
      SecurityContextHolder.clearContext();
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
      response.sendRedirect(request.getContextPath() + "/login?error=ended");
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean stillAllowed(WebmailUser principal) {
    Optional<User> user = users.findByEmail(principal.email());
    if (user.isEmpty() || user.get().id() != principal.id() || !user.get().canLogIn()) {
      return false;
    }
    Instant changed =
        jdbc.sql("SELECT password_changed FROM mail_user WHERE id = :id")
            .param("id", principal.id())
            .query(java.sql.Timestamp.class)
            .optional()
            .map(java.sql.Timestamp::toInstant)
            .orElse(null);
    return changed == null || !changed.isAfter(principal.loggedIn());
  }
}
