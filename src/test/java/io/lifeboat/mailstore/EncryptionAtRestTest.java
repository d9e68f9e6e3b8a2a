package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stores messages, a draft and a custom folder whose subject, addresses, body text, attachment name
 * and folder name are unique marker words, then searches every file under the data folder and every
 * column of every table for those words, and checks that the search index holds only opaque terms.
 */
class EncryptionAtRestTest extends MailstoreTestSupport {

  private static final List<String> MARKERS =
      List.of(
          "Zebracorn quarterly subject",
          "Ferdinand Quillfeather",
          "ferdinand.quillfeather@markers.example",
          "Gertrude Vanewright",
          "gertrude.vanewright@markers.example",
          "ottoline.cc@markers.example",
          "The walrus sings at midnight over the marmalade",
          "blueprint-obsidian-tower.pdf",
          "Draft about the heron embassy",
          "Obsidian tower projects");

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;
  @Autowired DataSource dataSource;

  @Test
  void noMessageContentIsStoredInClear() throws Exception {
    long user = newUser("secretive");
    String ownAddress = "secretive@" + domain();
    assertTrue(delivery.deliverToInbox(user, "clear-1", messageFile(markedMessage())));
    long drafts = mailstore.folder(user, FolderRole.DRAFTS).id();
    mailstore.append(
        user,
        drafts,
        new ByteArrayInputStream(draft().getBytes(StandardCharsets.UTF_8)),
        Set.of(MessageFlag.SEEN));
    mailstore.createFolder(user, "Obsidian tower projects");
    StoredMessage stored =
        mailstore
            .messages(user, mailstore.folder(user, FolderRole.INBOX).id(), 0, 1)
            .messages()
            .getFirst();
    assertEquals("Zebracorn quarterly subject", stored.metadata().subject());
    assertEquals("blueprint-obsidian-tower.pdf", stored.metadata().attachments().getFirst().name());
    assertEquals(1, mailstore.search(user, null, "walrus marmalade", 10).messages().size());
    checkpointDatabase();

    List<String> filesWithOwnAddress = filesContaining(ownAddress);
    List<String> columnsWithOwnAddress = columnsContaining(ownAddress);
    assertTrue(!columnsWithOwnAddress.isEmpty(), "the scan must find the directory's clear text");
    assertTrue(!filesWithOwnAddress.isEmpty(), "the file scan must reach the database file");
    for (String marker : MARKERS) {
      assertEquals(List.of(), filesContaining(marker), marker);
      assertEquals(List.of(), columnsContaining(marker), marker);
    }
    for (String word : List.of("walrus", "quillfeather", "zebracorn", "heron", "vanewright")) {
      assertEquals(List.of(), filesContaining(word), word);
      assertEquals(List.of(), columnsContaining(word), word);
    }
    assertSearchTermsAreOpaque(user);
  }

  /**
   * Checks that the index rows of the mailbox exist, so the scans above covered them, and that
   * their terms are not a keyless hash of a word that anyone could compute.
   */
  private void assertSearchTermsAreOpaque(long user) throws Exception {
    List<Long> terms = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT term FROM mail_search_term WHERE user_id = " + user)) {
      while (rows.next()) {
        terms.add(rows.getLong(1));
      }
    }
    assertTrue(terms.size() > 10, "the index must hold the terms of both messages: " + terms);
    for (String word : List.of("walrus", "zebracorn", "quillfeather")) {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(word.getBytes(StandardCharsets.UTF_8));
      long keyless = java.nio.ByteBuffer.wrap(digest).getLong();
      assertTrue(!terms.contains(keyless), word + " is stored as a keyless SHA-256");
      assertTrue(!terms.contains((long) word.hashCode()), word + " is stored as its hash code");
    }
  }

  private void checkpointDatabase() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      if (connection.getMetaData().getDatabaseProductName().equals("H2")) {
        // H2 keeps recent pages in memory; write them so that the file scan finds all rows.
        statement.execute("CHECKPOINT SYNC");
      }
    }
  }

  private List<String> filesContaining(String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(DATA_DIR)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(file), needle) >= 0) {
          hits.add(file.toString());
        }
      }
    }
    return hits;
  }

  private List<String> columnsContaining(String text) throws SQLException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<String> hits = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metadata = connection.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = metadata.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String schema = rs.getString("TABLE_SCHEM");
          if (!schema.equalsIgnoreCase("information_schema")
              && !schema.equalsIgnoreCase("pg_catalog")) {
            tables.add(schema + "." + rs.getString("TABLE_NAME"));
          }
        }
      }
      assertTrue(tables.stream().anyMatch(t -> t.endsWith("mail_message")), tables.toString());
      for (String table : tables) {
        try (Statement statement = connection.createStatement();
            ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
          ResultSetMetaData columns = rows.getMetaData();
          while (rows.next()) {
            for (int i = 1; i <= columns.getColumnCount(); i++) {
              if (contains(rows, i, columns.getColumnType(i), needle, text)) {
                hits.add(table + "." + columns.getColumnName(i));
              }
            }
          }
        }
      }
    }
    return hits;
  }

  private static boolean contains(ResultSet rows, int column, int type, byte[] needle, String text)
      throws SQLException {
    if (type == Types.BINARY
        || type == Types.VARBINARY
        || type == Types.LONGVARBINARY
        || type == Types.BLOB) {
      byte[] value = rows.getBytes(column);
      return value != null && indexOf(value, needle) >= 0;
    }
    String value = rows.getString(column);
    return value != null && value.contains(text);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String markedMessage() {
    return """
        From: Ferdinand Quillfeather <ferdinand.quillfeather@markers.example>
        To: Gertrude Vanewright <gertrude.vanewright@markers.example>
        Cc: ottoline.cc@markers.example
        Subject: Zebracorn quarterly subject
        Date: Thu, 3 Dec 2026 08:30:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        The walrus sings at midnight over the marmalade.
        --b1
        Content-Type: application/pdf
        Content-Disposition: attachment; filename="blueprint-obsidian-tower.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQKJcfsj6IK
        --b1--
        """;
  }

  private static String draft() {
    return """
        From: secretive@example.invalid
        To: gertrude.vanewright@markers.example
        Subject: Draft about the heron embassy

        Draft about the heron embassy, unfinished.
        """
        .replace("\n", "\r\n");
  }
}
