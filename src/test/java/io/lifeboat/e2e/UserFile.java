package io.lifeboat.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * The customer's directory export for the failover day, in the sync file format: 50 users in the
 * domains example.com and example.net, 25 in the failover group {@code emea} and 25 in {@code
 * apac}. The story's named users come first.
 */
final class UserFile {

  static final String HEADER =
      "primaryEmail;displayName;givenName;surname;language;timezone;department;costcenter;phone;"
          + "mobile;failoverGroups";

  private UserFile() {}

  /** Returns the whole file: a header and 50 users. */
  static String fiftyUsers() {
    return firstUsers(50);
  }

  /** Returns a file with the header and the first {@code count} of the 50 users. */
  static String firstUsers(int count) {
    StringBuilder file = new StringBuilder(HEADER).append("\r\n");
    for (String line : lines().subList(0, count)) {
      file.append(line).append("\r\n");
    }
    return file.toString();
  }

  private static List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(line(FailoverDayIT.ERIN, "Erin", "Walsh", "en_GB", "Europe/Dublin", "emea"));
    lines.add(line(FailoverDayIT.ELENA, "Elena", "Rossi", "it_IT", "Europe/Rome", "emea,it"));
    lines.add(line(FailoverDayIT.ARJUN, "Arjun", "Mehta", "en_GB", "Asia/Kolkata", "apac"));
    for (int i = 4; i <= 50; i++) {
      boolean emea = i <= 26;
      String domain = i % 2 == 0 ? "example.com" : "example.net";
      lines.add(
          line(
              String.format("staff%02d@%s", i, domain),
              "Staff",
              String.format("Number %02d", i),
              emea ? "de_DE" : "ja_JP",
              emea ? "Europe/Berlin" : "Asia/Tokyo",
              emea ? "emea" : "apac"));
    }
    return lines;
  }

  private static String line(
      String email, String given, String surname, String language, String zone, String groups) {
    return String.join(
        ";",
        quote(email),
        quote(given + " " + surname + " / Example Ltd"),
        quote(given),
        quote(surname),
        language,
        zone,
        quote("Logistics"),
        "",
        "",
        quote("+44 20 7946 0000"),
        quote(groups));
  }

  private static String quote(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
