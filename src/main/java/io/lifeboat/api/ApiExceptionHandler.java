package io.lifeboat.api;

import io.lifeboat.directory.ConflictException;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns exceptions of the REST APIs into error bodies with the right status. */
@RestControllerAdvice(
    basePackages = {
      "io.lifeboat.api",
      "io.lifeboat.operator",
      "io.lifeboat.delivery",
      "io.lifeboat.sync"
    })
public class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<Map<String, Object>> invalid(InvalidInputException e, HttpServletRequest r) {
    return answer(r, HttpStatus.BAD_REQUEST, e.getMessage(), e);
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<Map<String, Object>> notFound(NotFoundException e, HttpServletRequest r) {
    return answer(r, HttpStatus.NOT_FOUND, e.getMessage(), null);
  }

  @ExceptionHandler(ForbiddenException.class)
  ResponseEntity<Map<String, Object>> forbidden(ForbiddenException e, HttpServletRequest r) {
    return answer(r, HttpStatus.FORBIDDEN, e.getMessage(), null);
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<Map<String, Object>> conflict(ConflictException e, HttpServletRequest r) {
    return answer(r, HttpStatus.CONFLICT, e.getMessage(), null);
  }

  /**
   * Returns a 409 response for a unique key that a concurrent request took between this request's
   * checks and its insert, such as two creations of one customer at the same moment.
   */
  @ExceptionHandler(DuplicateKeyException.class)
  ResponseEntity<Map<String, Object>> duplicate(DuplicateKeyException e, HttpServletRequest r) {
    log.warn(
        "Request conflicted with a concurrent change: {} {}", r.getMethod(), r.getRequestURI());
    return answer(
        r,
        HttpStatus.CONFLICT,
        "a concurrent request changed the same data; read the current state and retry",
        null);
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, Object>> unreadable(
      HttpMessageNotReadableException e, HttpServletRequest r) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof PayloadTooLargeException tooLarge) {
        return answer(r, HttpStatus.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), null);
      }
    }
    return answer(r, HttpStatus.BAD_REQUEST, JsonBodyProblem.describe(e), null);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<Map<String, Object>> mismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest r) {
    return answer(
        r, HttpStatus.BAD_REQUEST, e.getName() + " has an invalid value: " + e.getValue(), null);
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<Map<String, Object>> missing(
      MissingServletRequestParameterException e, HttpServletRequest r) {
    return answer(r, HttpStatus.BAD_REQUEST, e.getParameterName() + " is required", null);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Map<String, Object>> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest r) {
    return answer(r, HttpStatus.METHOD_NOT_ALLOWED, ApiError.message(e, r.getRequestURI()), null);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<Map<String, Object>> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest r) {
    return answer(
        r, HttpStatus.UNSUPPORTED_MEDIA_TYPE, ApiError.message(e, r.getRequestURI()), null);
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<Map<String, Object>> noResource(NoResourceFoundException e, HttpServletRequest r) {
    return answer(r, HttpStatus.NOT_FOUND, ApiError.message(e, r.getRequestURI()), null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e, HttpServletRequest r) {
    log.error("Request failed: {} {}", r.getMethod(), r.getRequestURI(), e);
    return answer(
        r,
        HttpStatus.INTERNAL_SERVER_ERROR,
        "internal error; the change was rolled back. Quote the id when reporting it",
        null);
  }

  private static ResponseEntity<Map<String, Object>> answer(
      HttpServletRequest r, HttpStatus status, String message, InvalidInputException invalid) {
    return ResponseEntity.status(status)
        .body(
            ApiError.body(
                r, status.value(), message, invalid == null ? null : invalid.violations()));
  }
}
