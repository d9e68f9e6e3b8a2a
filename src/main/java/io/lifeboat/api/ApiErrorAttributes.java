package io.lifeboat.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * Error attributes that give API paths the API's error body ({@code id}, {@code timestamp}, {@code
 * status}, {@code message}). Spring MVC rejects some API requests before any API controller runs,
 * so no handler advice applies: an unknown path (404), a method the path does not support (405) or
 * a body type it does not accept (415). Other paths keep Spring Boot's default error attributes.
 */
@Component
public class ApiErrorAttributes extends DefaultErrorAttributes {

  @Override
  public Map<String, Object> getErrorAttributes(
      WebRequest webRequest, ErrorAttributeOptions options) {
    Object uri =
        webRequest.getAttribute(
            RequestDispatcher.ERROR_REQUEST_URI, RequestAttributes.SCOPE_REQUEST);
    HttpServletRequest request =
        webRequest instanceof NativeWebRequest nativeRequest
            ? nativeRequest.getNativeRequest(HttpServletRequest.class)
            : null;
    if (request == null || !(uri instanceof String path) || !isApiPath(path)) {
      return super.getErrorAttributes(webRequest, options);
    }
    Object code =
        webRequest.getAttribute(
            RequestDispatcher.ERROR_STATUS_CODE, RequestAttributes.SCOPE_REQUEST);
    int status = code instanceof Integer value ? value : 500;
    return ApiError.body(
        request, status, ApiError.message(getError(webRequest), status, path), null);
  }

  private static boolean isApiPath(String path) {
    return path.startsWith("/email/continuity/") || path.startsWith("/operator/");
  }
}
