package io.lifeboat.directory;

/**
 * One broken input rule.
 *
 * @param field the field's name as the API spells it, with an index for list entries (for example
 *     {@code users[3].language})
 * @param value the rejected value as received, or null when it was missing
 * @param message what rule the value breaks, naming the field
 */
public record Violation(String field, String value, String message) {

  public Violation withFieldPrefix(String prefix) {
    return new Violation(prefix + field, value, message);
  }
}
