package io.lifeboat.webmail;

import io.lifeboat.account.PasswordHasher;
import io.lifeboat.audit.AuditLog;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.security.AuthThrottle;
import io.lifeboat.security.ThrottledException;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Security of the webmail: form login at {@code /login}, a database-backed session that ends after
 * the idle timeout, CSRF tokens on every form, and a content security policy under which no script
 * in mail content can run.
 */
@Configuration
public class WebmailSecurityConfig {

  static final String[] PATHS = {"/", "/login", "/logout", "/mail/**", "/settings/**"};

  /** Scripts and styles only from Lifeboat itself; images also as data: URIs (inline cid:). */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'";

  @Bean
  @Order(3)
  SecurityFilterChain webmail(
      HttpSecurity http,
      UserRepository users,
      PasswordHasher hasher,
      AuthThrottle throttle,
      JdbcClient jdbc,
      AuditLog audit,
      Clock clock)
      throws Exception {
    http.securityMatcher(PATHS)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/login")
                    .permitAll()
                    .anyRequest()
                    .hasAuthority(WebmailAuthenticationProvider.ROLE))
        .authenticationManager(
            new ProviderManager(
                new WebmailAuthenticationProvider(users, hasher, throttle, audit, clock)))
        .formLogin(
            f ->
                f.loginPage("/login")
                    .usernameParameter("email")
                    .passwordParameter("password")
                    .defaultSuccessUrl("/", true)
                    .failureHandler(failureHandler()))
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
        .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId()))
        .addFilterAfter(new SessionGuardFilter(users, jdbc), BasicAuthenticationFilter.class)
        .headers(
            h ->
                h.contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                    .frameOptions(f -> f.sameOrigin()));
    return http.build();
  }

  /** Sends the user back to the login page with the reason as a message key. */
  private static AuthenticationFailureHandler failureHandler() {
    return (request, response, exception) -> {
      String reason =
          exception instanceof ThrottledException
              ? "throttled"
              : exception instanceof DisabledException ? "closed" : "credentials";
      response.sendRedirect(request.getContextPath() + "/login?error=" + reason);
    };
  }
}
