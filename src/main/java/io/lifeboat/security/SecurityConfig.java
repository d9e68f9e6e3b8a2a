package io.lifeboat.security;

import io.lifeboat.api.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * Who may call what. The customer API and the operator API each use HTTP Basic against their own
 * credentials, keep no session and so need no CSRF token; everything else is public or guarded by
 * the chains that later features add.
 */
@Configuration
public class SecurityConfig {

  static final String CUSTOMER_API = "/email/continuity/v2/**";
  static final String OPERATOR_API = "/operator/v1/**";

  @Bean
  @Order(1)
  SecurityFilterChain customerApi(
      HttpSecurity http, AuthThrottle throttle, JdbcClient jdbc, ObjectMapper json)
      throws Exception {
    ApiAuthenticationErrors errors = new ApiAuthenticationErrors(json);
    http.securityMatcher(CUSTOMER_API)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(HttpMethod.PUT, "/email/continuity/v2/*/password")
                    .permitAll()
                    .anyRequest()
                    .hasAuthority(CredentialAuthenticationProvider.CUSTOMER_ROLE))
        .authenticationManager(
            new ProviderManager(CredentialAuthenticationProvider.forCustomers(throttle, jdbc)));
    return statelessBasic(http, errors).build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain operatorApi(
      HttpSecurity http, AuthThrottle throttle, OperatorPassword password, ObjectMapper json)
      throws Exception {
    ApiAuthenticationErrors errors = new ApiAuthenticationErrors(json);
    http.securityMatcher(OPERATOR_API, "/actuator/prometheus", "/actuator/metrics/**")
        .authorizeHttpRequests(
            a -> a.anyRequest().hasAuthority(CredentialAuthenticationProvider.OPERATOR_ROLE))
        .authenticationManager(
            new ProviderManager(CredentialAuthenticationProvider.forOperator(throttle, password)));
    return statelessBasic(http, errors).build();
  }

  @Bean
  @Order(100)
  SecurityFilterChain publicPages(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(
            a ->
                a.requestMatchers(
                        "/actuator/health",
                        "/actuator/health/**",
                        "/actuator/info",
                        "/v3/api-docs",
                        "/v3/api-docs/**",
                        "/swagger-ui.html",
                        "/swagger-ui/**",
                        "/error")
                    .permitAll()
                    .requestMatchers("/actuator/**")
                    .denyAll()
                    .anyRequest()
                    .permitAll())
        .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives("frame-ancestors 'none'")));
    return http.build();
  }

  /**
   * Replaces Spring Boot's generated in-memory user: every login of Lifeboat goes through its own
   * authentication providers.
   */
  @Bean
  UserDetailsService noDefaultUser() {
    return new InMemoryUserDetailsManager();
  }

  private static HttpSecurity statelessBasic(HttpSecurity http, ApiAuthenticationErrors errors)
      throws Exception {
    return http.httpBasic(b -> b.authenticationEntryPoint(errors))
        .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .requestCache(c -> c.disable());
  }

  /** Writes 401, 403 and 429 responses in the API's error format. */
  static final class ApiAuthenticationErrors
      implements AuthenticationEntryPoint, AccessDeniedHandler {
    private final ObjectMapper json;

    ApiAuthenticationErrors(ObjectMapper json) {
      this.json = json;
    }

    @Override
    public void commence(
        HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
      if (e instanceof ThrottledException throttled) {
        long seconds = Math.max(1, Duration.between(Instant.now(), throttled.until()).toSeconds());
        response.setHeader("Retry-After", Long.toString(seconds));
        ApiError.write(json, request, response, 429, throttled.getMessage());
        return;
      }
      response.setHeader("WWW-Authenticate", "Basic realm=\"Lifeboat\", charset=\"UTF-8\"");
      String message =
          request.getHeader("Authorization") == null
              ? "authentication required: send HTTP Basic credentials"
              : "wrong username or password";
      ApiError.write(json, request, response, 401, message);
    }

    @Override
    public void handle(
        HttpServletRequest request,
        HttpServletResponse response,
        org.springframework.security.access.AccessDeniedException e)
        throws IOException {
      ApiError.write(json, request, response, 403, "this credential may not use this path");
    }
  }
}
