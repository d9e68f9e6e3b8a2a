package io.lifeboat.sync;

import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRules;
import io.lifeboat.directory.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a sync file and checks every line against the file format and the field rules, changing
 * nothing. Every error is collected with its line, column and value, so that one report lists all
 * that must be fixed.
 *
 * <p>A line is one record: no field may contain a line break, so the file is split at LF before any
 * CSV parsing. That keeps line numbers exact and lets one broken line be reported without hiding
 * the errors of the lines after it. Each line is then decoded as strict UTF-8, checked for
 * misplaced quotes (Commons CSV reads {@code Ja"ne} as a literal quote, which the format forbids)
 * and split into fields by Commons CSV. One instance reads one file.
 */
final class SyncFileParser {

  /** Maximum line length in bytes. A line of valid fields has at most about 2.3 KB. */
  static final int MAX_LINE_BYTES = 64 * 1024;

  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] UTF16_BE_BOM = {(byte) 0xFE, (byte) 0xFF};
  private static final byte[] UTF16_LE_BOM = {(byte) 0xFF, (byte) 0xFE};

  private static final CSVFormat FORMAT =
      CSVFormat.Builder.create()
          .setDelimiter(';')
          .setQuote('"')
          .setIgnoreSurroundingSpaces(true)
          .setIgnoreEmptyLines(false)
          .get();

  private final Set<String> domains;
  private final int maxUsers;
  private final int maxErrors;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();

  private final List<UserDraft> users = new ArrayList<>();
  private final Map<String, Integer> firstLineOfEmail = new HashMap<>();
  private final List<SyncError> errors = new ArrayList<>();
  private int errorCount;
  private int records;
  private boolean header;
  private LineEnding ending;
  private int endingLine;

  /**
   * @param domains the customer's domains, lower-case
   * @param maxUsers the maximum number of users a file may list
   * @param maxErrors the maximum number of errors kept for the report
   */
  SyncFileParser(Set<String> domains, int maxUsers, int maxErrors) {
    this.domains = domains;
    this.maxUsers = maxUsers;
    this.maxErrors = maxErrors;
  }

  ParsedFile parse(InputStream in) throws IOException {
    LineSplitter splitter = new LineSplitter(in);
    int lines = 0;
    RawLine raw;
    while ((raw = splitter.next()) != null) {
      lines = raw.number();
      if (!read(raw)) {
        break;
      }
    }
    if (records == 0 && errorCount == 0) {
      add(
          SyncError.ofFile(
              header
                  ? "the file has a header line but no users; a sync file lists every user that"
                      + " should exist, so it cannot be empty"
                  : "the file is empty; list one user per line, after an optional header line "
                      + CsvColumn.headerLine()));
    }
    return new ParsedFile(
        List.copyOf(users),
        Set.copyOf(firstLineOfEmail.keySet()),
        List.copyOf(errors),
        errorCount,
        lines,
        header,
        splitter.bytes());
  }

  /** Checks one line and keeps its user. Returns false when the rest of the file is not read. */
  private boolean read(RawLine raw) {
    int number = raw.number();
    byte[] bytes = raw.bytes();
    int start = 0;
    if (number == 1) {
      if (startsWith(bytes, UTF16_BE_BOM) || startsWith(bytes, UTF16_LE_BOM)) {
        add(
            SyncError.ofLine(
                1,
                HexFormat.of().withUpperCase().formatHex(bytes, 0, 2),
                "the file starts with a UTF-16 byte order mark; save it as UTF-8"));
        return false;
      }
      if (startsWith(bytes, UTF8_BOM)) {
        start = UTF8_BOM.length;
      }
    }

    if (raw.tooLong()) {
      add(
          SyncError.ofLine(
              number,
              null,
              "the line is longer than "
                  + MAX_LINE_BYTES
                  + " bytes; check that the file uses LF or CRLF line endings"));
      return true;
    }

    checkEnding(raw);
    String text = decode(number, bytes, start);
    if (text == null || text.isBlank() || !checkCharacters(number, text)) {
      return true;
    }

    List<String> fields = split(number, text);
    if (fields == null) {
      return true;
    }
    boolean first = records == 0 && !header;
    if (first && fields.get(0).equalsIgnoreCase(CsvColumn.PRIMARY_EMAIL.csvName())) {
      header = true;
      return true;
    }

    records++;
    if (records > maxUsers) {
      add(
          SyncError.ofLine(
              number,
              null,
              "the file lists more than "
                  + maxUsers
                  + " users, the limit set by lifeboat.sync.max-users; ask the operator to raise"
                  + " it"));
      return false;
    }
    if (fields.size() != CsvColumn.COUNT) {
      addColumnCountError(number, fields);
      return true;
    }

    UserDraft draft = draft(fields);
    validate(number, draft);
    users.add(draft);
    return true;
  }

  private void checkEnding(RawLine raw) {
    if (raw.ending() == LineEnding.NONE) {
      return;
    }
    if (ending == null) {
      ending = raw.ending();
      endingLine = raw.number();
    } else if (raw.ending() != ending) {
      add(
          SyncError.ofLine(
              raw.number(),
              raw.ending().name(),
              "the line ends in "
                  + raw.ending()
                  + ", but line "
                  + endingLine
                  + " ends in "
                  + ending
                  + "; use one kind of line ending (CRLF or LF) in the whole file"));
    }
  }

  /** Decodes a line as strict UTF-8. Returns null after reporting bytes that are not UTF-8. */
  private String decode(int number, byte[] bytes, int start) {
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    decoder.reset();
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int bad = in.position();
      int length = Math.min(result.length(), bytes.length - bad);
      String hex = HexFormat.of().withUpperCase().formatHex(bytes, bad, bad + length);
      String before = new String(out.array(), 0, out.position());
      add(
          SyncError.ofColumn(
              number,
              columnAt(before),
              "0x" + hex,
              "byte 0x"
                  + hex
                  + " at byte "
                  + (bad + 1)
                  + " of the line is not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)"));
      return null;
    }
    out.flip();
    return out.toString();
  }

  /** Rejects a byte order mark after the start of the file and a carriage return inside a line. */
  private boolean checkCharacters(int number, String text) {
    int bom = text.indexOf('\uFEFF');
    if (bom >= 0) {
      add(
          SyncError.ofColumn(
              number,
              columnAt(text.substring(0, bom)),
              "U+FEFF",
              "byte order mark (U+FEFF) inside the file; it is allowed only as the first bytes of"
                  + " the file. It often comes from joining two files: remove it"));
      return false;
    }
    int cr = text.indexOf('\r');
    if (cr >= 0) {
      add(
          SyncError.ofColumn(
              number,
              columnAt(text.substring(0, cr)),
              "CR",
              "carriage return (CR) inside the line; a line ends in CRLF or LF, and a value"
                  + " cannot contain a line break"));
      return false;
    }
    return true;
  }

  /** Splits a line into fields. Returns null after reporting a quoting error. */
  private List<String> split(int number, String text) {
    SyncError quoting = checkQuotes(number, text);
    if (quoting != null) {
      add(quoting);
      return null;
    }
    try (CSVParser parser = CSVParser.parse(text, FORMAT)) {
      List<CSVRecord> parsed = parser.getRecords();
      if (parsed.size() == 1) {
        return parsed.get(0).toList();
      }
    } catch (IOException | UncheckedIOException e) {
      add(SyncError.ofLine(number, text, "the line is not valid CSV: " + e.getMessage()));
      return null;
    }
    add(SyncError.ofLine(number, text, "the line is not one CSV record"));
    return null;
  }

  /**
   * Returns the first misplaced double quote of a line, or null. A quoted value ends at a single
   * {@code "} that only spaces separate from the next {@code ;} or the line end, and a quote inside
   * it is written twice. An unquoted value contains no quote at all.
   */
  static SyncError checkQuotes(int number, String text) {
    int length = text.length();
    int i = 0;
    int column = 1;
    while (true) {
      int fieldStart = i;
      i = skipSpaces(text, i);
      if (i < length && text.charAt(i) == '"') {
        i = closingQuote(text, i + 1);
        if (i < 0) {
          return SyncError.ofColumn(
              number,
              column,
              text.substring(fieldStart),
              "quoted value is not closed on this line; end it with \" and write a quote inside"
                  + " it twice (\"\")");
        }
        i = skipSpaces(text, i + 1);
        if (i < length && text.charAt(i) != ';') {
          return SyncError.ofColumn(
              number,
              column,
              text.substring(fieldStart, endOfField(text, i)),
              "text after the closing quote of a quoted value; write a quote inside a quoted value"
                  + " twice (\"\")");
        }
      } else {
        int end = endOfField(text, i);
        int quote = text.indexOf('"', i);
        if (quote >= 0 && quote < end) {
          return SyncError.ofColumn(
              number,
              column,
              text.substring(fieldStart, end),
              "double quote inside an unquoted value; put the value in double quotes and write"
                  + " the quote twice (\"\")");
        }
        i = end;
      }
      if (i >= length) {
        return null;
      }
      i++;
      column++;
    }
  }

  /** Returns the index of the quote that closes a quoted value opened before {@code from}. */
  private static int closingQuote(String text, int from) {
    int i = from;
    while (true) {
      int quote = text.indexOf('"', i);
      if (quote < 0) {
        return -1;
      }
      if (quote + 1 < text.length() && text.charAt(quote + 1) == '"') {
        i = quote + 2;
      } else {
        return quote;
      }
    }
  }

  private static int skipSpaces(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) != ';' && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int endOfField(String text, int from) {
    int end = text.indexOf(';', from);
    return end < 0 ? text.length() : end;
  }

  /**
   * Returns the 1-based column that starts after {@code before}, counting separators outside
   * quotes.
   */
  static int columnAt(String before) {
    int column = 1;
    boolean quoted = false;
    for (int i = 0; i < before.length(); i++) {
      char c = before.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        column++;
      }
    }
    return column;
  }

  private void addColumnCountError(int number, List<String> fields) {
    String expected = "; a line has " + CsvColumn.COUNT + " columns: " + CsvColumn.headerLine();
    if (fields.size() > CsvColumn.COUNT) {
      add(
          SyncError.ofColumn(
              number,
              CsvColumn.COUNT + 1,
              fields.get(CsvColumn.COUNT),
              "the line has "
                  + fields.size()
                  + " columns, "
                  + (fields.size() - CsvColumn.COUNT)
                  + " too many"
                  + expected
                  + ". A ';' inside a value must be in a quoted value"));
    } else {
      int missing = fields.size() + 1;
      add(
          SyncError.ofColumn(
              number,
              missing,
              null,
              "the line has "
                  + fields.size()
                  + " columns, so column "
                  + missing
                  + " and those after it are missing"
                  + expected
                  + ". Leave an unset optional value empty but keep its ';'"));
    }
  }

  private static UserDraft draft(List<String> f) {
    return new UserDraft(
        f.get(0),
        f.get(1),
        f.get(2),
        f.get(3),
        f.get(4),
        f.get(5),
        emptyToNull(f.get(6)),
        emptyToNull(f.get(7)),
        emptyToNull(f.get(8)),
        emptyToNull(f.get(9)),
        groups(f.get(10)));
  }

  /** Splits the groups field at commas, where an empty field means no groups. */
  private static List<String> groups(String field) {
    if (field.isBlank()) {
      return List.of();
    }
    return Arrays.stream(field.split(",", -1)).map(String::trim).toList();
  }

  private void validate(int number, UserDraft draft) {
    for (Violation violation : UserRules.validate(draft, domains)) {
      CsvColumn column = CsvColumn.ofApiField(violation.field());
      if (column == null) {
        add(SyncError.ofLine(number, violation.value(), violation.message()));
      } else {
        add(
            SyncError.ofColumn(
                number, column.number(), violation.value(), csvMessage(violation, column)));
      }
    }
    String email = UserRules.normalizeEmail(draft.email());
    if (email == null || email.isEmpty()) {
      return;
    }
    Integer first = firstLineOfEmail.putIfAbsent(email, number);
    if (first != null) {
      add(
          SyncError.ofColumn(
              number,
              CsvColumn.PRIMARY_EMAIL.number(),
              draft.email(),
              "primaryEmail "
                  + email
                  + " is listed twice, first on line "
                  + first
                  + " (addresses are compared ignoring case); list each user once"));
    }
  }

  /**
   * Rewrites a field-rule message, which starts with the API field name, to start with the CSV
   * column name instead.
   */
  static String csvMessage(Violation violation, CsvColumn column) {
    String message = violation.message();
    String emailSubject = "user (the primary email address)";
    if (message.startsWith(emailSubject)) {
      return column.csvName() + message.substring(emailSubject.length());
    }
    if (message.startsWith(column.apiField() + " ")) {
      return column.csvName() + message.substring(column.apiField().length());
    }
    return message;
  }

  private void add(SyncError error) {
    errorCount++;
    if (errors.size() < maxErrors) {
      errors.add(error);
    }
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  enum LineEnding {
    CRLF,
    LF,
    NONE
  }

  /**
   * One physical line without its ending.
   *
   * @param tooLong whether the line was longer than {@link #MAX_LINE_BYTES}, in which case {@code
   *     bytes} contains only its start
   */
  record RawLine(int number, byte[] bytes, LineEnding ending, boolean tooLong) {}

  /** Splits a byte stream at LF. LF never occurs inside a multi-byte UTF-8 character. */
  static final class LineSplitter {
    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private final byte[] line = new byte[MAX_LINE_BYTES + 1];
    private int position;
    private int limit;
    private long bytes;
    private int number;
    private boolean eof;

    LineSplitter(InputStream in) {
      this.in = in;
    }

    /** Returns the next line, or null at the end of the stream. */
    RawLine next() throws IOException {
      int length = 0;
      boolean tooLong = false;
      boolean started = false;
      while (true) {
        if (position == limit && !fill()) {
          return started ? finish(length, tooLong, LineEnding.NONE) : null;
        }
        started = true;
        byte b = buffer[position++];
        if (b == '\n') {
          boolean crlf = length > 0 && line[length - 1] == '\r' && !tooLong;
          return finish(
              crlf ? length - 1 : length, tooLong, crlf ? LineEnding.CRLF : LineEnding.LF);
        }
        if (length < line.length) {
          line[length++] = b;
        } else {
          tooLong = true;
        }
      }
    }

    long bytes() {
      return bytes;
    }

    private boolean fill() throws IOException {
      if (eof) {
        return false;
      }
      int read = in.read(buffer);
      if (read <= 0) {
        eof = true;
        return false;
      }
      bytes += read;
      position = 0;
      limit = read;
      return true;
    }

    private RawLine finish(int length, boolean tooLong, LineEnding ending) {
      number++;
      boolean over = tooLong || length > MAX_LINE_BYTES;
      return new RawLine(
          number, Arrays.copyOf(line, Math.min(length, MAX_LINE_BYTES)), ending, over);
    }
  }
}
