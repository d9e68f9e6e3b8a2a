package io.lifeboat.webmail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webmail session driven over plain HTTP: signs in through the login form, then fetches pages.
 */
final class WebmailHttpSession {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final String base;
  private final HttpClient client;

  private WebmailHttpSession(String base) {
    this.base = base;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Signs in with the login form, including its CSRF token, and fails if the mailbox is not shown.
   */
  static WebmailHttpSession signIn(String base, String email, String password)
      throws IOException, InterruptedException {
    WebmailHttpSession session = new WebmailHttpSession(base);
    String form = session.get("/login").body();
    Matcher token = CSRF.matcher(form);
    if (!token.find()) {
      throw new IllegalStateException("login page has no CSRF token");
    }
    String body =
        "email="
            + URLEncoder.encode(email, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&_csrf="
            + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
    HttpResponse<String> mailbox =
        session.client.send(
            HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (!mailbox.body().contains("id=\"folder-list\"")) {
      throw new IllegalStateException("sign-in failed for " + email + ": " + mailbox.uri());
    }
    return session;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Returns the CSRF token of the form on the page at {@code path}. */
  String csrfToken(String path) throws IOException, InterruptedException {
    Matcher token = CSRF.matcher(get(path).body());
    if (!token.find()) {
      throw new IllegalStateException(path + " has no CSRF token");
    }
    return token.group(1);
  }

  /** Sends a request with this session's cookies and returns the response status. */
  int send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
