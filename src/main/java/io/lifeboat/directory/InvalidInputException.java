package io.lifeboat.directory;

import java.util.List;

/** Input that breaks one or more rules; nothing of the request was applied. */
public class InvalidInputException extends RuntimeException {

  private final transient List<Violation> violations;

  public InvalidInputException(List<Violation> violations) {
    super(summary(violations));
    this.violations = List.copyOf(violations);
  }

  public InvalidInputException(String field, String value, String message) {
    this(List.of(new Violation(field, value, message)));
  }

  public List<Violation> violations() {
    return violations;
  }

  private static String summary(List<Violation> violations) {
    int shown = Math.min(violations.size(), 5);
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      message.append(i == 0 ? "" : "; ").append(violations.get(i).message());
    }
    if (violations.size() > shown) {
      message.append("; and ").append(violations.size() - shown).append(" more, listed in errors");
    }
    return message.toString();
  }
}
