package io.lifeboat.sync;

/**
 * One reason why a sync file was rejected.
 *
 * @param line the 1-based line number in the file, 0 for a problem of the whole file
 * @param column the 1-based column number, null when the problem is not in one column
 * @param columnName the column's name from the header layout, null with {@code column}
 * @param value the offending text as found in the file, shortened when long, or null when missing
 * @param message what rule is broken and how to fix it
 */
public record SyncError(int line, Integer column, String columnName, String value, String message) {

  static final int MAX_VALUE_LENGTH = 200;

  static SyncError ofFile(String message) {
    return new SyncError(0, null, null, null, message);
  }

  static SyncError ofLine(int line, String value, String message) {
    return new SyncError(line, null, null, shorten(value), message);
  }

  static SyncError ofColumn(int line, int column, String value, String message) {
    CsvColumn known = CsvColumn.ofNumber(column);
    String name = known == null ? "extra" : known.csvName();
    return new SyncError(line, column, name, shorten(value), message);
  }

  /** Returns where the error is, as the text report prints it: "line 3, column 5 (language)". */
  String location() {
    if (line == 0) {
      return "file";
    }
    if (column == null) {
      return "line " + line;
    }
    return "line " + line + ", column " + column + " (" + columnName + ")";
  }

  private static String shorten(String value) {
    if (value == null || value.length() <= MAX_VALUE_LENGTH) {
      return value;
    }
    return value.substring(0, MAX_VALUE_LENGTH) + "…";
  }
}
