package io.lifeboat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.directory.UserDraft;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The file format rules, checked on the parser alone. The API and SFTP tests cover the rest. */
class SyncFileParserTest {

  static final String HEADER =
      "primaryEmail;displayName;givenName;surname;language;timezone;department;costcenter;phone;"
          + "mobile;failoverGroups";
  static final String JANE =
      "\"jane.roe@example.com\";\"Jane Roe / Example Ltd\";\"Jane\";\"Roe\";\"en_GB\";"
          + "\"Europe/London\";\"Sales\";;;\"+44 7700 900123\";\"emea,uk\"";
  static final String MAX = "max@example.com;Max M;Max;M;de_DE;Europe/Berlin;;;;;";

  private static ParsedFile parse(byte[] bytes) throws IOException {
    return new SyncFileParser(Set.of("example.com"), 1000, 100)
        .parse(new ByteArrayInputStream(bytes));
  }

  private static ParsedFile parse(String text) throws IOException {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static SyncError onlyError(ParsedFile file) {
    assertThat(file.errors()).as("errors").hasSize(1);
    return file.errors().get(0);
  }

  @Test
  void exampleWithHeaderIsValid() throws IOException {
    ParsedFile file = parse(HEADER + "\n" + JANE + "\n");

    assertThat(file.errors()).isEmpty();
    assertThat(file.header()).isTrue();
    UserDraft jane = file.users().get(0);
    assertThat(jane.email()).isEqualTo("jane.roe@example.com");
    assertThat(jane.displayName()).isEqualTo("Jane Roe / Example Ltd");
    assertThat(jane.department()).isEqualTo("Sales");
    assertThat(jane.costCenter()).isNull();
    assertThat(jane.phone()).isNull();
    assertThat(jane.mobile()).isEqualTo("+44 7700 900123");
    assertThat(jane.failoverGroups()).containsExactly("emea", "uk");
  }

  @Test
  void leadingByteOrderMarkIsIgnored() throws IOException {
    byte[] body = (HEADER + "\r\n" + MAX + "\r\n").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    out.write(body);

    ParsedFile file = parse(out.toByteArray());

    assertThat(file.errors()).isEmpty();
    assertThat(file.header()).isTrue();
    assertThat(file.users()).hasSize(1);
  }

  @Test
  void headerIsOptionalAndMatchedInAnyCase() throws IOException {
    assertThat(parse(MAX).header()).isFalse();
    assertThat(parse(MAX).users()).hasSize(1);
    ParsedFile upper = parse(HEADER.toUpperCase() + "\n" + MAX);
    assertThat(upper.header()).isTrue();
    assertThat(upper.errors()).isEmpty();
  }

  @Test
  void quotedValuesUnescapeDoubledQuotesAndKeepSeparators() throws IOException {
    ParsedFile file =
        parse("a@example.com;\"Ann \"\"Nan\"\" Lee; Sales\";Ann;Lee;en_US;America/New_York;;;;;\n");

    assertThat(file.errors()).isEmpty();
    assertThat(file.users().get(0).displayName()).isEqualTo("Ann \"Nan\" Lee; Sales");
  }

  @Test
  void spacesTrimmedAndBlankLinesSkipped() throws IOException {
    ParsedFile file =
        parse(
            "\n  a@example.com ; Ann Lee ;\"Ann\" ; Lee;en_US;UTC; ;;;; emea , apac \n\n  \n"
                + MAX
                + "\n");

    assertThat(file.errors()).isEmpty();
    assertThat(file.users()).hasSize(2);
    UserDraft ann = file.users().get(0);
    assertThat(ann.email()).isEqualTo("a@example.com");
    assertThat(ann.displayName()).isEqualTo("Ann Lee");
    assertThat(ann.department()).isNull();
    assertThat(ann.failoverGroups()).containsExactly("emea", "apac");
  }

  @Test
  void lastLineMayLackItsLineEnding() throws IOException {
    ParsedFile file = parse(HEADER + "\r\n" + JANE + "\r\n" + MAX);

    assertThat(file.errors()).isEmpty();
    assertThat(file.users()).hasSize(2);
  }

  @Test
  void byteOrderMarkInsideFileIsRejected() throws IOException {
    ParsedFile file = parse(HEADER + "\n\uFEFF" + MAX + "\n");

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo(1);
    assertThat(error.value()).isEqualTo("U+FEFF");
    assertThat(error.message()).contains("byte order mark");
  }

  @Test
  void utf16FileIsRejected() throws IOException {
    byte[] utf16 = (HEADER + "\n" + MAX).getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[utf16.length + 2];
    withBom[0] = (byte) 0xFF;
    withBom[1] = (byte) 0xFE;
    System.arraycopy(utf16, 0, withBom, 2, utf16.length);

    SyncError error = onlyError(parse(withBom));

    assertThat(error.line()).isEqualTo(1);
    assertThat(error.value()).isEqualTo("FFFE");
    assertThat(error.message()).contains("UTF-16").contains("UTF-8");
  }

  @Test
  void mixedLineEndingsAreRejected() throws IOException {
    ParsedFile file = parse(HEADER + "\r\n" + JANE + "\n" + MAX + "\r\n");

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isNull();
    assertThat(error.value()).isEqualTo("LF");
    assertThat(error.message()).contains("line 1 ends in CRLF");
  }

  @Test
  void quoteInsideQuotedValueIsRejected() throws IOException {
    ParsedFile file = parse("a@example.com;\"Ann \"Nan\" Lee\";Ann;Lee;en_US;UTC;;;;;\n");

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(1);
    assertThat(error.column()).isEqualTo(2);
    assertThat(error.columnName()).isEqualTo("displayName");
    assertThat(error.value()).isEqualTo("\"Ann \"Nan\" Lee\"");
  }

  @Test
  void quoteInsideUnquotedValueIsRejected() throws IOException {
    ParsedFile file = parse(MAX + "\nb@example.com;B;B;O\"Neil;en_US;UTC;;;;;\n");

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo(4);
    assertThat(error.columnName()).isEqualTo("surname");
    assertThat(error.value()).isEqualTo("O\"Neil");
  }

  @Test
  void unclosedQuoteIsRejected() throws IOException {
    SyncError error = onlyError(parse("a@example.com;\"Ann;Ann;Lee;en_US;UTC;;;;;\n"));

    assertThat(error.column()).isEqualTo(2);
    assertThat(error.message()).contains("not closed");
  }

  @Test
  void missingColumnsAreRejected() throws IOException {
    SyncError error = onlyError(parse("a@example.com;Ann;Ann;Lee;en_US;UTC;;;;\n"));

    assertThat(error.line()).isEqualTo(1);
    assertThat(error.column()).isEqualTo(11);
    assertThat(error.columnName()).isEqualTo("failoverGroups");
    assertThat(error.message()).contains("has 10 columns");
  }

  @Test
  void extraColumnsAreRejected() throws IOException {
    SyncError error = onlyError(parse("a@example.com;Ann;Ann;Lee;en_US;UTC;;;;;;surplus\n"));

    assertThat(error.column()).isEqualTo(12);
    assertThat(error.columnName()).isEqualTo("extra");
    assertThat(error.value()).isEqualTo("surplus");
    assertThat(error.message()).contains("has 12 columns");
  }

  @Test
  void sameAddressInDifferentCaseIsRejected() throws IOException {
    ParsedFile file = parse(HEADER + "\n" + MAX + "\n" + MAX.replace("max@", "MAX@") + "\n");

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(3);
    assertThat(error.column()).isEqualTo(1);
    assertThat(error.value()).isEqualTo("MAX@example.com");
    assertThat(error.message()).contains("first on line 2");
  }

  @Test
  void foreignDomainIsRejected() throws IOException {
    SyncError error = onlyError(parse(MAX.replace("example.com", "example.org")));

    assertThat(error.column()).isEqualTo(1);
    assertThat(error.columnName()).isEqualTo("primaryEmail");
    assertThat(error.value()).isEqualTo("max@example.org");
    assertThat(error.message()).startsWith("primaryEmail must be in one of the customer's domains");
  }

  @Test
  void seventeenGroupsAreRejected() throws IOException {
    String groups =
        String.join(
            ",", java.util.stream.IntStream.rangeClosed(1, 17).mapToObj(i -> "g" + i).toList());
    SyncError error = onlyError(parse("a@example.com;Ann;Ann;Lee;en_US;UTC;;;;;" + groups));

    assertThat(error.column()).isEqualTo(11);
    assertThat(error.value()).isEqualTo(groups);
    assertThat(error.message()).contains("at most 16");
  }

  @Test
  void unknownLocaleAndZoneAreBothReported() throws IOException {
    ParsedFile file = parse("a@example.com;Ann;Ann;Lee;en_XX;Europe/Nowhere;;;;;\n");

    assertThat(file.errors()).hasSize(2);
    assertThat(file.errors().get(0).column()).isEqualTo(5);
    assertThat(file.errors().get(0).value()).isEqualTo("en_XX");
    assertThat(file.errors().get(1).column()).isEqualTo(6);
    assertThat(file.errors().get(1).value()).isEqualTo("Europe/Nowhere");
  }

  @Test
  void bytesThatAreNotUtf8AreRejected() throws IOException {
    byte[] latin1 =
        ("a@example.com;Ren\u00e9 Lee;Ren\u00e9;Lee;fr_FR;Europe/Paris;;;;;\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    SyncError error = onlyError(parse(latin1));

    assertThat(error.line()).isEqualTo(1);
    assertThat(error.column()).isEqualTo(2);
    assertThat(error.value()).isEqualTo("0xE9");
    assertThat(error.message()).contains("not UTF-8");
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    SyncError error = onlyError(parse(""));

    assertThat(error.line()).isZero();
    assertThat(error.message()).contains("empty");
    assertThat(onlyError(parse("\n\n  \n")).message()).contains("empty");
  }

  @Test
  void headerOnlyFileIsRejected() throws IOException {
    SyncError error = onlyError(parse(HEADER + "\n"));

    assertThat(error.line()).isZero();
    assertThat(error.message()).contains("header line but no users");
  }

  @Test
  void everyBadLineIsReported() throws IOException {
    ParsedFile file =
        parse(
            HEADER
                + "\n"
                + MAX.replace("de_DE", "xx")
                + "\n"
                + JANE.replace("example.com", "example.net")
                + "\nshort;line\n");

    assertThat(file.errorCount()).isEqualTo(3);
    assertThat(file.errors()).extracting(SyncError::line).containsExactly(2, 3, 4);
  }

  @Test
  void reportKeepsFirstErrorsButCountsAll() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      text.append("u").append(i).append("@example.org;A;A;A;en_GB;UTC;;;;;\n");
    }

    ParsedFile file = parse(text.toString());

    assertThat(file.errorCount()).isEqualTo(150);
    assertThat(file.errors()).hasSize(100);
  }

  @Test
  void userLimitStopsReading() throws IOException {
    String three = MAX + "\n" + JANE + "\n" + MAX.replace("max@", "moritz@") + "\n";
    ParsedFile file =
        new SyncFileParser(Set.of("example.com"), 2, 100)
            .parse(new ByteArrayInputStream(three.getBytes(StandardCharsets.UTF_8)));

    SyncError error = onlyError(file);
    assertThat(error.line()).isEqualTo(3);
    assertThat(error.message()).contains("more than 2 users");
  }

  @Test
  void messagesNameCsvColumns() throws IOException {
    ParsedFile file = parse("a@example.com;Ann;Ann;;en_GB;UTC;;" + "x".repeat(65) + ";;;\n");

    assertThat(file.errors())
        .extracting(SyncError::message)
        .anySatisfy(m -> assertThat(m).startsWith("surname is required"))
        .anySatisfy(m -> assertThat(m).startsWith("costcenter must be at most 64"));
  }

  @Test
  void columnAtCountsSeparatorsOutsideQuotes() {
    assertThat(SyncFileParser.columnAt("")).isEqualTo(1);
    assertThat(SyncFileParser.columnAt("a;\"b;c\";")).isEqualTo(3);
    assertThat(List.of(CsvColumn.values())).hasSize(11);
  }
}
