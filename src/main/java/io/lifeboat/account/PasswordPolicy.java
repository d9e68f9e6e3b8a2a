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

  private PasswordPolicy() {}

  /** Returns one message per broken rule, empty when the password is acceptable. */
  public static List<String> check(String password) {
    List<String> broken = new ArrayList<>();
    if (password == null || password.isEmpty()) {
      broken.add("password is required");
      return broken;
    }
    if (password.length() < MIN_LENGTH) {
      broken.add("password must be at least 8 characters long");
    }
    if (password.length() > MAX_LENGTH) {
      broken.add("password must be at most 256 characters long");
    }
    if (!ALLOWED.matcher(password).matches()) {
      broken.add("password may contain only letters a-z and A-Z, digits and @$!%*?&");
    }
    if (password.chars().noneMatch(c -> c >= 'A' && c <= 'Z')) {
      broken.add("password must contain an upper-case letter");
    }
    if (password.chars().noneMatch(c -> c >= 'a' && c <= 'z')) {
      broken.add("password must contain a lower-case letter");
    }
    if (password.chars().noneMatch(c -> c >= '0' && c <= '9')) {
      broken.add("password must contain a digit");
    }
    if (password.chars().noneMatch(c -> SPECIALS.indexOf(c) >= 0)) {
      broken.add("password must contain one of @$!%*?&");
    }
    return broken;
  }
}
