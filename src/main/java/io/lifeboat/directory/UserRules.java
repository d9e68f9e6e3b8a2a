package io.lifeboat.directory;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules of a provisioned user, shared by the REST API and the directory sync. Field names
 * in violations are those of the API's User object.
 */
public final class UserRules {

  public static final int MAX_EMAIL = 256;
  public static final int MAX_LOCAL_PART = 64;
  public static final int MAX_DOMAIN = 128;
  public static final int MAX_DISPLAY_NAME = 256;
  public static final int MAX_NAME = 128;
  public static final int MAX_DEPARTMENT = 128;
  public static final int MAX_COST_CENTER = 64;
  public static final int MAX_PHONE = 32;
  public static final int MAX_GROUP_NAME = 64;

  // RFC 5322 section 3.2.3: atext characters, in runs separated by single dots.
  private static final Pattern DOT_ATOM =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern PHONE = Pattern.compile("[+0-9 ()\\-/.]*");
  private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  /** The JDK's zone ids, read once: {@link ZoneId#getAvailableZoneIds()} copies them per call. */
  private static final Set<String> ZONE_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());

  private UserRules() {}

  /**
   * Checks every field of a draft. The address must be in one of {@code customerDomains}
   * (lower-case). Returns all violations, empty when the draft is valid.
   */
  public static List<Violation> validate(UserDraft draft, Set<String> customerDomains) {
    List<Violation> errors = new ArrayList<>();
    checkEmail(draft.email(), customerDomains, errors);
    checkText("displayName", draft.displayName(), true, MAX_DISPLAY_NAME, errors);
    checkText("givenName", draft.givenName(), true, MAX_NAME, errors);
    checkText("surName", draft.surName(), true, MAX_NAME, errors);
    checkLanguage(draft.language(), errors);
    checkTimezone(draft.timezone(), errors);
    checkText("department", draft.department(), false, MAX_DEPARTMENT, errors);
    checkText("costCenter", draft.costCenter(), false, MAX_COST_CENTER, errors);
    checkPhone("phone", draft.phone(), errors);
    checkPhone("mobile", draft.mobile(), errors);
    checkGroups(draft.failoverGroups(), errors);
    return errors;
  }

  /** Returns the address in the form the directory stores and compares: trimmed, lower-case. */
  public static String normalizeEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  /** Returns the group names as stored: lower-case, without duplicates, in input order. */
  public static List<String> normalizeGroups(List<String> groups) {
    if (groups == null) {
      return List.of();
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String group : groups) {
      unique.add(group.trim().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(unique);
  }

  /** Checks the group names of a selection, as in {@code ?group=emea,apac}. */
  public static List<Violation> validateGroupNames(String field, List<String> groups) {
    List<Violation> errors = new ArrayList<>();
    if (groups.size() > UserSelection.MAX_GROUPS) {
      errors.add(
          new Violation(
              field,
              String.join(",", groups),
              field + " must name at most 16 groups, but names " + groups.size()));
    }
    for (String group : groups) {
      checkGroupName(field, group, errors);
    }
    return errors;
  }

  private static void checkEmail(String raw, Set<String> domains, List<Violation> errors) {
    if (raw == null || raw.isBlank()) {
      errors.add(new Violation("user", raw, "user (the primary email address) is required"));
      return;
    }
    String email = normalizeEmail(raw);
    if (email.length() > MAX_EMAIL) {
      errors.add(
          new Violation(
              "user", raw, "user must be at most 256 characters, but has " + email.length()));
      return;
    }
    int at = email.lastIndexOf('@');
    if (at <= 0 || at == email.length() - 1) {
      errors.add(
          new Violation("user", raw, "user must be an email address such as jane.roe@example.com"));
      return;
    }
    String local = email.substring(0, at);
    String domain = email.substring(at + 1);
    if (!DOT_ATOM.matcher(local).matches()) {
      errors.add(
          new Violation(
              "user",
              raw,
              "user must have a dot-atom local part: letters, digits and !#$%&'*+/=?^_`{|}~-"
                  + " in runs separated by single dots"));
    } else if (local.length() > MAX_LOCAL_PART) {
      errors.add(
          new Violation(
              "user",
              raw,
              "user must have a local part of at most 64 characters, but it has "
                  + local.length()));
    }
    if (domain.length() > MAX_DOMAIN) {
      errors.add(
          new Violation(
              "user",
              raw,
              "user must have a domain of at most 128 characters, but it has " + domain.length()));
    } else if (!domains.contains(domain)) {
      errors.add(
          new Violation(
              "user",
              raw,
              "user must be in one of the customer's domains ("
                  + String.join(", ", domains.stream().sorted().toList())
                  + "), but is in "
                  + domain));
    }
  }

  private static void checkText(
      String field, String value, boolean required, int max, List<Violation> errors) {
    if (value == null || value.isEmpty()) {
      if (required) {
        errors.add(new Violation(field, value, field + " is required (1 to " + max + " chars)"));
      }
      return;
    }
    // Counted in UTF-16 code units, as H2 measures VARCHAR columns: a character outside the Basic
    // Multilingual Plane, such as an emoji, counts twice. PostgreSQL counts code points and would
    // take more, but the rule must hold on both databases.
    int length = value.length();
    if (length > max) {
      errors.add(
          new Violation(
              field, value, field + " must be at most " + max + " characters, but has " + length));
    } else if (CONTROL.matcher(value).find()) {
      errors.add(
          new Violation(
              field, value, field + " must not contain control characters such as line breaks"));
    } else if (required && value.isBlank()) {
      errors.add(new Violation(field, value, field + " must not be blank"));
    }
  }

  private static void checkLanguage(String value, List<Violation> errors) {
    if (value == null || value.isEmpty()) {
      errors.add(
          new Violation(
              "language",
              value,
              "language is required, one of: " + String.join(", ", Locales.SUPPORTED)));
    } else if (!Locales.isSupported(value)) {
      errors.add(
          new Violation(
              "language",
              value,
              "language must be one of: " + String.join(", ", Locales.SUPPORTED)));
    }
  }

  private static void checkTimezone(String value, List<Violation> errors) {
    if (value == null || value.isEmpty()) {
      errors.add(
          new Violation(
              "timezone", value, "timezone is required, an IANA zone id such as Europe/London"));
    } else if (!ZONE_IDS.contains(value)) {
      errors.add(
          new Violation(
              "timezone",
              value,
              "timezone must be an IANA zone id such as Europe/London or America/New_York"));
    }
  }

  private static void checkPhone(String field, String value, List<Violation> errors) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (value.length() > MAX_PHONE) {
      errors.add(
          new Violation(
              field, value, field + " must be at most 32 characters, but has " + value.length()));
    } else if (!PHONE.matcher(value).matches()) {
      errors.add(
          new Violation(
              field, value, field + " may contain only digits, spaces and the characters +()-/."));
    }
  }

  private static void checkGroups(List<String> groups, List<Violation> errors) {
    if (groups == null) {
      return;
    }
    if (groups.size() > UserSelection.MAX_GROUPS) {
      errors.add(
          new Violation(
              "failoverGroups",
              String.join(",", groups),
              "failoverGroups must have at most 16 names, but has " + groups.size()));
      return;
    }
    for (String group : groups) {
      checkGroupName("failoverGroups", group, errors);
    }
  }

  private static void checkGroupName(String field, String group, List<Violation> errors) {
    if (group == null || group.isEmpty()) {
      errors.add(new Violation(field, group, field + " must not contain an empty group name"));
    } else if (group.length() > MAX_GROUP_NAME) {
      errors.add(
          new Violation(
              field,
              group,
              field + " names must be at most 64 characters, but one has " + group.length()));
    } else if (!GROUP.matcher(group).matches()) {
      errors.add(
          new Violation(field, group, field + " names may contain only letters, digits and . _ -"));
    }
  }
}
