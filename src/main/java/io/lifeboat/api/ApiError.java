package io.lifeboat.api;

import io.lifeboat.directory.Violation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
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
}
