package io.lifeboat.account;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The password rules of the API and the account pages: 8 to 256 characters drawn only from {@code
 * a-z A-Z 0-9 @ $ ! % * ? &}, with at least one upper-case letter, one lower-case letter, one digit
 * and one of {@code @$!%*?&}.
 */
public final class PasswordPolicy {

  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 256;
  public static final String SPECIALS = "@$!%*?&";

  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9@$!%*?&]*");

  /** One rule of the policy, with the English message the API returns when it is broken. */
  public enum Rule {
    MIN_LENGTH("password must be at least 8 characters long"),
    MAX_LENGTH("password must be at most 256 characters long"),
    CHARACTERS("password may contain only letters a-z and A-Z, digits and @$!%*?&"),
    UPPER_CASE("password must contain an upper-case letter"),
    LOWER_CASE("password must contain a lower-case letter"),
    DIGIT("password must contain a digit"),
    SPECIAL("password must contain one of @$!%*?&");

    private final String message;

    Rule(String message) {
      this.message = message;
    }

    public String message() {
      return message;
    }
  }

  private PasswordPolicy() {}

  /** Returns every rule the password breaks, in the order of {@link Rule}; empty when valid. */
  public static List<Rule> brokenRules(String password) {
    String value = password == null ? "" : password;
    List<Rule> broken = new ArrayList<>();
    if (value.length() < MIN_LENGTH) {
      broken.add(Rule.MIN_LENGTH);
    }
    if (value.length() > MAX_LENGTH) {
      broken.add(Rule.MAX_LENGTH);
    }
    if (!ALLOWED.matcher(value).matches()) {
      broken.add(Rule.CHARACTERS);
    }
    if (value.chars().noneMatch(c -> c >= 'A' && c <= 'Z')) {
      broken.add(Rule.UPPER_CASE);
    }
    if (value.chars().noneMatch(c -> c >= 'a' && c <= 'z')) {
      broken.add(Rule.LOWER_CASE);
    }
    if (value.chars().noneMatch(c -> c >= '0' && c <= '9')) {
      broken.add(Rule.DIGIT);
    }
    if (value.chars().noneMatch(c -> SPECIALS.indexOf(c) >= 0)) {
      broken.add(Rule.SPECIAL);
    }
    return broken;
  }

  /** Returns the API message of every broken rule, empty when the password is acceptable. */
  public static List<String> check(String password) {
    if (password == null || password.isEmpty()) {
      return List.of("password is required");
    }
    return brokenRules(password).stream().map(Rule::message).toList();
  }
}
