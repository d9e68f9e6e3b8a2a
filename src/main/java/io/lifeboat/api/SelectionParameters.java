package io.lifeboat.api;

import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.UserRules;
import io.lifeboat.directory.UserSelection;
import io.lifeboat.directory.Violation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a user selection from the query: {@code activation}, {@code access} and {@code failover} as
 * booleans, and {@code group} either repeated or comma-separated.
 */
final class SelectionParameters {

  private SelectionParameters() {}

  static UserSelection read(HttpServletRequest request, boolean flagFilters) {
    List<Violation> errors = new ArrayList<>();
    Boolean activation = flagFilters ? bool(request, "activation", errors) : null;
    Boolean access = flagFilters ? bool(request, "access", errors) : null;
    Boolean failover = flagFilters ? bool(request, "failover", errors) : null;
    if (!flagFilters) {
      rejectFlagFilters(request, errors);
    }
    List<String> groups = groups(request);
    errors.addAll(UserRules.validateGroupNames("group", groups));
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return new UserSelection(activation, access, failover, UserRules.normalizeGroups(groups));
  }

  /**
   * Rejects flag filters where only groups select users. Ignoring {@code ?access=true} on a flag
   * switch would switch every user of the customer instead of the few the caller meant.
   */
  private static void rejectFlagFilters(HttpServletRequest request, List<Violation> errors) {
    for (String name : List.of("activation", "access", "failover")) {
      String value = request.getParameter(name);
      if (value != null) {
        errors.add(
            new Violation(
                name,
                value,
                name
                    + " cannot select users here: flag switches select by group only, so"
                    + " remove "
                    + name
                    + " or use group"));
      }
    }
  }

  private static List<String> groups(HttpServletRequest request) {
    String[] values = request.getParameterValues("group");
    List<String> groups = new ArrayList<>();
    if (values == null) {
      return groups;
    }
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        groups.add(part.trim());
      }
    }
    return groups;
  }

  private static Boolean bool(HttpServletRequest request, String name, List<Violation> errors) {
    String value = request.getParameter(name);
    if (value == null) {
      return null;
    }
    Boolean parsed = parseBoolean(value);
    if (parsed == null) {
      errors.add(new Violation(name, value, name + " must be true or false"));
    }
    return parsed;
  }

  /** Parses {@code true}, {@code false}, {@code 1} and {@code 0}; returns null for others. */
  static Boolean parseBoolean(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> Boolean.TRUE;
      case "false", "0" -> Boolean.FALSE;
      default -> null;
    };
  }
}
