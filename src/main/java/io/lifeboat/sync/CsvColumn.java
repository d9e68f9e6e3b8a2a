package io.lifeboat.sync;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The eleven columns of a sync file in their order, with the name of the matching field of the
 * API's User object, so that violations found by the shared field rules can name the CSV column.
 */
enum CsvColumn {
  PRIMARY_EMAIL("primaryEmail", "user"),
  DISPLAY_NAME("displayName", "displayName"),
  GIVEN_NAME("givenName", "givenName"),
  SURNAME("surname", "surName"),
  LANGUAGE("language", "language"),
  TIMEZONE("timezone", "timezone"),
  DEPARTMENT("department", "department"),
  COSTCENTER("costcenter", "costCenter"),
  PHONE("phone", "phone"),
  MOBILE("mobile", "mobile"),
  FAILOVER_GROUPS("failoverGroups", "failoverGroups");

  static final int COUNT = values().length;

  private static final Map<String, CsvColumn> BY_API_FIELD =
      Arrays.stream(values()).collect(Collectors.toMap(c -> c.apiField, Function.identity()));

  private final String csvName;
  private final String apiField;

  CsvColumn(String csvName, String apiField) {
    this.csvName = csvName;
    this.apiField = apiField;
  }

  /** Returns the 1-based column number in the file. */
  int number() {
    return ordinal() + 1;
  }

  String csvName() {
    return csvName;
  }

  String apiField() {
    return apiField;
  }

  /** Returns the column of a 1-based number, or null past the last column. */
  static CsvColumn ofNumber(int number) {
    return number >= 1 && number <= COUNT ? values()[number - 1] : null;
  }

  /** Returns the column of an API field name as {@code UserRules} reports it, or null. */
  static CsvColumn ofApiField(String field) {
    return BY_API_FIELD.get(field);
  }

  /** Returns the header line of a sync file, for messages that show the expected layout. */
  static String headerLine() {
    return Arrays.stream(values()).map(CsvColumn::csvName).collect(Collectors.joining(";"));
  }
}
