package io.lifeboat.api;

import io.lifeboat.directory.Violation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.ObjectMapper;

/** Error bodies: {@code id}, {@code timestamp}, {@code status}, {@code message}, {@code errors}. */
public final class ApiError {

  private ApiError() {}

  public static Map<String, Object> body(
      HttpServletRequest request, int status, String message, List<Violation> errors) {
    Map<String, Object> body = Envelope.of(request);
    body.put("status", status);
    body.put("message", message);
    if (errors != null && !errors.isEmpty()) {
      body.put("errors", errors);
    }
    return body;
  }

  /** Writes an error body directly, for filters that run before Spring MVC. */
  public static void write(
      ObjectMapper json,
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    json.writeValue(response.getOutputStream(), body(request, status, message, null));
  }

  /**
   * Returns the message for an error that Spring MVC raises before or instead of an API handler,
   * such as an unsupported method. Other errors get the status's reason phrase.
   */
  public static String message(Throwable error, String path) {
    return message(error, 500, path);
  }

  static String message(Throwable error, int status, String path) {
    if (error instanceof HttpRequestMethodNotSupportedException e) {
      return e.getMethod() + " is not supported here; use one of " + e.getSupportedHttpMethods();
    }
    if (error instanceof HttpMediaTypeNotSupportedException e) {
      return "Content-Type " + e.getContentType() + " is not supported; send application/json";
    }
    if (error instanceof NoResourceFoundException || status == 404) {
      return "no such API path: " + path;
    }
    HttpStatus known = HttpStatus.resolve(status);
    return (known == null ? "HTTP status " + status : known.getReasonPhrase()) + " at " + path;
  }
}
