package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Delivers every message of the MIME corpus in {@code LIFEBOAT_TEST_CORPUS} (files with the role
 * {@code message} in FILES.tsv, and each message of the {@code mbox} files) through {@link
 * LocalDelivery}, reads all metadata back and spot-checks known values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusDeliveryTest extends MailstoreTestSupport {

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;

  private Path corpus;
  private long user;

  /** Corpus path (or mbox path with {@code #index}) to its stored message. */
  private final Map<String, StoredMessage> stored = new LinkedHashMap<>();

  private final Map<String, byte[]> sha256 = new HashMap<>();

  @BeforeAll
  void deliverCorpus() throws Exception {
    String location = System.getenv("LIFEBOAT_TEST_CORPUS");
    if (location == null || location.isBlank()) {
      return;
    }
    corpus = Path.of(location);
    user = newUser("corpus");
    Path mboxParts = Files.createDirectories(DATA_DIR.resolveSibling("corpus-mbox-parts"));
    Map<String, Long> ids = new LinkedHashMap<>();
    for (String[] row : manifestRows()) {
      String path = row[0];
      String role = row[1];
      if (role.equals("message")) {
        ids.put(path, deliver(path, corpus.resolve(path)));
      } else if (role.equals("mbox")) {
        List<byte[]> messages = MboxSplitter.split(Files.readAllBytes(corpus.resolve(path)));
        for (int i = 0; i < messages.size(); i++) {
          Path file = mboxParts.resolve("mbox-" + ids.size() + ".eml");
          Files.write(file, messages.get(i));
          ids.put(path + "#" + i, deliver(path + "#" + i, file));
        }
      }
    }
    for (Map.Entry<String, Long> entry : ids.entrySet()) {
      stored.put(entry.getKey(), mailstore.message(user, entry.getValue()));
    }
  }

  @Test
  void everyCorpusMessageIsStoredAndReadable() {
    requireCorpus();
    assertTrue(stored.size() >= 600, "stored " + stored.size() + " messages");
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    assertEquals(stored.size(), mailstore.folder(user, inbox).total());
    for (Map.Entry<String, StoredMessage> entry : stored.entrySet()) {
      MessageMetadata metadata = entry.getValue().metadata();
      assertNotNull(metadata, entry.getKey());
      assertNotNull(metadata.snippet(), entry.getKey());
    }
  }

  @Test
  void everyRawMessageReadsBackUnchanged() throws Exception {
    requireCorpus();
    for (Map.Entry<String, StoredMessage> entry : stored.entrySet()) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      try (InputStream in = mailstore.openRaw(user, entry.getValue().id())) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
      assertTrue(
          MessageDigest.isEqual(sha256.get(entry.getKey()), digest.digest()), entry.getKey());
    }
  }

  @Test
  void mboxFilesSplitIntoTheirMessages() {
    requireCorpus();
    assertEquals(29, countFrom("mimekit/mbox/content-length.mbox.txt"));
    assertEquals(4, countFrom("mimekit/mbox/issue1189.mbox.txt"));
    assertEquals(3, countFrom("spamassassin/nice.mbox"));
  }

  @Test
  void encodedWordSubjectsAreDecoded() {
    requireCorpus();
    assertEquals(
        "Eelanalüüsi päring",
        subject("mikel-mail/attachment_emails/attachment_with_quoted_filename.eml"));
    assertEquals(
        "Nicolas Fouché has accepted your invitation to Gmail",
        subject("mikel-mail/mime_emails/raw_email_encoded_stack_level_too_deep.eml"));
    assertEquals("まみむめも", subject("mikel-mail/multi_charset/japanese.eml"));
    assertEquals("Die Hasen und die Frösche", subject("zbateson-mail-mime-parser/m3004.txt"));
    assertEquals(
        "Nodemailer is unicode friendly ✔ (1476358788189)",
        subject("nodemailer-mailparser/nodemailer.eml"));
  }

  @Test
  void rfc2231FileNamesAreDecoded() {
    requireCorpus();
    assertEquals(
        List.of("かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"),
        attachmentNames("mikel-mail/multi_charset/japanese_attachment_long_name.eml"));
    assertEquals(
        List.of("attachment.äöü"),
        attachmentNames("james-mime4j/mimetools-testmsgs/attachment-filename-encoding-UTF8.msg"));
    assertEquals(
        List.of("ديناصور.odt"),
        attachmentNames(
            "james-project/mailbox-store-eml/messageWithNonASCIIFilenameAttachment.eml"));
    assertEquals(
        List.of("HasenundFrösche.txt"), attachmentNames("zbateson-mail-mime-parser/m3004.txt"));
  }

  @Test
  void internationalNamesAreDecoded() {
    requireCorpus();
    assertEquals(
        List.of("image.png", "nyan cat ✔.gif", "notes.txt"),
        attachmentNames("nodemailer-mailparser/nodemailer.eml"));
    StoredMessage unicode = message("spamassassin/nice/unicode1");
    assertEquals(
        List.of("документы для отдела кадров.pdf"),
        unicode.metadata().attachments().stream().map(AttachmentInfo::name).toList());
    assertEquals(
        new MailAddress("Marilù Gioffré ♥", "Marilù.Gioffré@esempio-università.it"),
        unicode.metadata().from().getFirst());
    assertTrue(unicode.metadata().subject().startsWith("Doma"), unicode.metadata().subject());
  }

  @Test
  void emptyAndHeaderlessFilesAreStored() {
    requireCorpus();
    StoredMessage empty = message("demisto-parse-emails/no_content.eml");
    assertEquals(0, empty.size());
    assertEquals("", empty.metadata().snippet());
  }

  /** Skips the calling test with the reason when no corpus folder is configured. */
  private void requireCorpus() {
    assumeTrue(
        corpus != null,
        "LIFEBOAT_TEST_CORPUS is unset: set it to the MIME corpus folder to run the corpus tests");
  }

  private long deliver(String name, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(in.readAllBytes());
      sha256.put(name, digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    assertTrue(delivery.deliverToInbox(user, "corpus:" + name, file), name);
    long inbox = mailstore.folder(user, FolderRole.INBOX).id();
    return mailstore.messages(user, inbox, 0, 1).messages().getFirst().id();
  }

  private List<String[]> manifestRows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(corpus.resolve("FILES.tsv"));
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank()) {
        rows.add(line.split("\t"));
      }
    }
    return rows;
  }

  private long countFrom(String mbox) {
    return stored.keySet().stream().filter(k -> k.startsWith(mbox + "#")).count();
  }

  private StoredMessage message(String path) {
    StoredMessage message = stored.get(path);
    assertNotNull(message, "not in the corpus: " + path);
    return message;
  }

  private String subject(String path) {
    return message(path).metadata().subject();
  }

  private List<String> attachmentNames(String path) {
    return message(path).metadata().attachments().stream().map(AttachmentInfo::name).toList();
  }
}
