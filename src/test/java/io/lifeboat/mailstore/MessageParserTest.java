package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageParserTest {

  private final MessageParser parser = new MessageParser();

  @Test
  void envelopeHeadersAreDecoded() throws IOException {
    MessageMetadata m =
        parse(
            """
            From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>
            To: Anna <anna@example.com>, bob@example.com
            Cc: Team: carol@example.com, dave@example.com;
            Reply-To: replies@example.org
            Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus =?UTF-8?B?TcO8bmNoZW4=?=
            Date: Tue, 1 Dec 2026 10:15:00 +0100
            Message-ID: <abc.123@example.org>
            In-Reply-To: <parent@example.com>
            References: <root@example.com>
             <parent@example.com>

            Hello Anna,
            see you   tomorrow.
            """);

    assertEquals(List.of(new MailAddress("Jürgen Müller", "juergen@example.org")), m.from());
    assertEquals(
        List.of(
            new MailAddress("Anna", "anna@example.com"), new MailAddress(null, "bob@example.com")),
        m.to());
    assertEquals(2, m.cc().size());
    assertEquals("dave@example.com", m.cc().get(1).address());
    assertEquals("replies@example.org", m.replyTo().getFirst().address());
    assertEquals("Grüße aus München", m.subject());
    assertEquals(Instant.parse("2026-12-01T09:15:00Z"), m.date());
    assertEquals("<abc.123@example.org>", m.messageId());
    assertEquals("<parent@example.com>", m.inReplyTo());
    assertEquals(List.of("<root@example.com>", "<parent@example.com>"), m.references());
    assertEquals("Hello Anna, see you tomorrow.", m.snippet());
    assertFalse(m.hasAttachments());
    assertTrue(m.parsed());
  }

  @Test
  void rawUtf8HeadersAreReadAsUtf8() throws IOException {
    MessageMetadata m = parse("From: Zoë <zoe@example.org>\nSubject: Ünïcödé 日本語\n\nbody\n");
    assertEquals("Ünïcödé 日本語", m.subject());
    assertEquals("Zoë", m.from().getFirst().name());
  }

  @Test
  void rawUtf8FileNameIsReadAsUtf8() throws IOException {
    MessageMetadata m =
        parse(
            """
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/octet-stream; name="Übersicht.xlsx"

            data
            --b--
            """);
    assertEquals("Übersicht.xlsx", m.attachments().getFirst().name());
  }

  @Test
  void dispositionFilenameWinsOverTypeName() throws IOException {
    for (String headers :
        List.of(
            "Content-Type: application/pdf; name=\"scan0001.pdf\"\n"
                + "Content-Disposition: attachment; filename=\"Invoice 2026.pdf\"\n",
            "Content-Disposition: attachment; filename=\"Invoice 2026.pdf\"\n"
                + "Content-Type: application/pdf; name=\"scan0001.pdf\"\n")) {
      MessageMetadata m =
          parse(
              "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                  + headers
                  + "\n%PDF-1.4\n--b--\n");
      assertEquals("Invoice 2026.pdf", m.attachments().getFirst().name(), headers);
    }
  }

  @Test
  void typeNameIsUsedWithoutDispositionFilename() throws IOException {
    MessageMetadata m =
        parse(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                + "Content-Type: application/pdf; name=\"scan0001.pdf\"\n"
                + "Content-Disposition: attachment\n\n%PDF-1.4\n--b--\n");
    assertEquals("scan0001.pdf", m.attachments().getFirst().name());
  }

  @Test
  void rawLatin1HeadersFallBackToWindows1252() throws IOException {
    byte[] raw = "Subject: Caf\u00e9 \u0080\n\nx\n".getBytes(StandardCharsets.ISO_8859_1);
    MessageMetadata m = parser.parse(new ByteArrayInputStream(raw)).metadata();
    assertEquals("Café €", m.subject());
  }

  @Test
  void attachmentsAreListedWithDecodedNamesAndSizes() throws IOException {
    MessageMetadata m =
        parse(
            """
            Subject: files
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain; charset=utf-8

            Plain body
            --inner
            Content-Type: text/html; charset=utf-8

            <p>HTML body</p>
            --inner--
            --outer
            Content-Type: application/pdf
            Content-Disposition: attachment;
             filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf
            Content-Transfer-Encoding: base64

            AAECAwQFBgcICQ==
            --outer
            Content-Type: image/png; name="=?UTF-8?B?w6lsw6lwaGFudC5wbmc=?="
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer
            Content-Type: text/plain; charset=utf-8
            Content-Disposition: attachment; filename*0="part one ";
             filename*1="and two.txt"

            attached text
            --outer--
            """);

    assertTrue(m.hasAttachments());
    assertEquals(
        List.of(
            new AttachmentInfo("Rechnung März.pdf", "application/pdf", 10, "2"),
            new AttachmentInfo("éléphant.png", "image/png", 8, "3"),
            new AttachmentInfo("part one and two.txt", "text/plain", 13, "4")),
        m.attachments());
    assertEquals("Plain body", m.snippet());
  }

  @Test
  void htmlOnlyMessageGetsTextSnippet() throws IOException {
    MessageMetadata m =
        parse(
            """
            Content-Type: text/html; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            <html><head><style>p {color: red}</style></head>
            <body><p>Caf=E9 &amp; <b>cake</b></p></body></html>
            """);
    assertEquals("Café & cake", m.snippet());
    assertFalse(m.hasAttachments());
  }

  @Test
  void inlineImageOfRelatedPartIsNoAttachment() throws IOException {
    MessageMetadata m =
        parse(
            """
            Content-Type: multipart/related; boundary=b

            --b
            Content-Type: text/html

            <img src="cid:logo@x">Hi
            --b
            Content-Type: image/gif
            Content-ID: <logo@x>
            Content-Transfer-Encoding: base64

            R0lGODlhAQABAAAAACw=
            --b--
            """);
    assertFalse(m.hasAttachments());
    assertEquals(List.of(), m.attachments());
    assertEquals("Hi", m.snippet());
  }

  @Test
  void attachedMessageIsOneAttachment() throws IOException {
    MessageMetadata m =
        parse(
            """
            Subject: outer
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            see attached
            --b
            Content-Type: message/rfc822

            Subject: inner
            From: inner@example.com

            inner body
            --b--
            """);
    assertEquals("outer", m.subject());
    assertEquals(1, m.attachments().size());
    assertEquals("message/rfc822", m.attachments().getFirst().contentType());
    assertNull(m.attachments().getFirst().name());
    assertEquals("see attached", m.snippet());
  }

  @Test
  void emptyInputIsParsedAsEmptyMessage() throws IOException {
    MessageParser.Result result = parser.parse(InputStream.nullInputStream());
    assertTrue(result.parsed());
    assertNull(result.metadata().subject());
    assertEquals("", result.metadata().snippet());
  }

  @Test
  void truncatedMultipartKeepsWhatWasRead() throws IOException {
    MessageMetadata m =
        parse(
            """
            Subject: cut off
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            first part
            --b
            Content-Type: application/zip
            Content-Disposition: attachment; filename=half.zip
            Content-Transfer-Encoding: base64

            UEsDBBQAAAAIAA""");
    assertEquals("cut off", m.subject());
    assertEquals("first part", m.snippet());
    assertEquals("half.zip", m.attachments().getFirst().name());
  }

  @Test
  void oversizedHeaderStopsParsingButKeepsEarlierFields() throws IOException {
    String huge = "X-Junk: " + "a".repeat(2 * 1024 * 1024) + "\n";
    MessageParser.Result result =
        parser.parse(
            new ByteArrayInputStream(
                ("Subject: before\n" + huge + "\nbody\n").getBytes(StandardCharsets.US_ASCII)));
    assertFalse(result.parsed());
    assertNotNull(result.failure());
    assertEquals("before", result.metadata().subject());
    assertFalse(result.metadata().parsed());
  }

  @Test
  void garbageInputDoesNotThrow() throws IOException {
    byte[] garbage = new byte[200_000];
    new java.util.Random(1).nextBytes(garbage);
    MessageParser.Result result = parser.parse(new ByteArrayInputStream(garbage));
    assertNotNull(result.metadata());
  }

  @Test
  void snippetIsCutAtLimit() throws IOException {
    MessageMetadata m = parse("Subject: long\n\n" + "word ".repeat(1000));
    assertEquals(MessageParser.SNIPPET_CHARS, m.snippet().length());
  }

  @Test
  void utf8BoundaryDropsCutSequence() {
    byte[] euro = "ab€".getBytes(StandardCharsets.UTF_8);
    byte[] cut = java.util.Arrays.copyOf(euro, euro.length - 1);
    assertEquals(2, MetadataCollector.utf8Boundary(cut));
    assertEquals(euro.length, MetadataCollector.utf8Boundary(euro));
  }

  private MessageMetadata parse(String message) throws IOException {
    byte[] raw = message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    return parser.parse(new ByteArrayInputStream(raw)).metadata();
  }
}
