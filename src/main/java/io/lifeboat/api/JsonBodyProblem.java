package io.lifeboat.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Error messages for request bodies that could not be read. A message names the field by its path
 * in the JSON document and the expected JSON type, never a Java class.
 */
final class JsonBodyProblem {

  private static final int MAX_DETAIL = 200;

  private JsonBodyProblem() {}

  /** Returns the message for an unreadable body. */
  static String describe(HttpMessageNotReadableException e) {
    JacksonException jackson = find(e, JacksonException.class);
    if (jackson == null) {
      return e.getMessage() != null && e.getMessage().startsWith("Required request body")
          ? "request body is missing; send a JSON object"
          : "request body is not valid JSON; send a JSON object";
    }
    if (jackson instanceof UnrecognizedPropertyException unknown) {
      return "request body has an unknown field " + quoted(path(unknown)) + "; remove it";
    }
    if (jackson instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      return "request body field "
          + quoted(path(mismatch))
          + " must be "
          + jsonType(mismatch.getTargetType())
          + "; fix its value";
    }
    if (jackson instanceof MismatchedInputException) {
      return "request body must be a JSON object";
    }
    if (jackson instanceof StreamReadException) {
      return "request body is not valid JSON"
          + where(jackson.getLocation())
          + ": "
          + detail(jackson);
    }
    return "request body is not valid JSON: " + detail(jackson);
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  /** Returns the field's path as a client writes it, such as {@code users[2].email}. */
  static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  static String jsonType(Class<?> target) {
    if (target == null) {
      return "of another JSON type";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target == Integer.class
        || target == int.class
        || target == Long.class
        || target == long.class
        || target == Short.class
        || target == short.class
        || target == BigInteger.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(target)
        || target == double.class
        || target == float.class
        || target == BigDecimal.class) {
      return "a number";
    }
    if (CharSequence.class.isAssignableFrom(target)
        || target.isEnum()
        || target == char.class
        || target == Character.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(target) || !target.isPrimitive()) {
      return "an object";
    }
    return "of another JSON type";
  }

  private static String where(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String detail(JacksonException e) {
    String detail = e.getOriginalMessage();
    if (detail == null) {
      return "unreadable input";
    }
    int end = detail.indexOf('\n');
    if (end >= 0) {
      detail = detail.substring(0, end);
    }
    return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail;
  }

  private static String quoted(String path) {
    return "'" + (path.isEmpty() ? "(root)" : path) + "'";
  }
}
