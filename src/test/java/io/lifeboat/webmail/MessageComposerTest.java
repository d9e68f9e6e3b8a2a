package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

class MessageComposerTest {

  private static final WebmailUser ANNA =
      new WebmailUser(
          7, "anna@m1.example", "12345", "Anna Ärcher", "en_GB", "Europe/London", Instant.EPOCH);

  private final MessageComposer composer =
      new MessageComposer(
          "mx.lifeboat.test", Clock.fixed(Instant.parse("2026-12-04T10:15:30Z"), ZoneOffset.UTC));

  @Test
  void headersOfSentMessage() throws Exception {
    Composition composition =
        composition(
            "Bob <bob@m1.example>",
            "carol@outside.test",
            "dave@hidden.test",
            "Quarterly figures",
            List.of());

    String wire = write(composer.build(ANNA, composition, false), MessageComposer.NOT_TRANSMITTED);
    MimeMessage parsed = parse(wire);

    assertThat(parsed.getHeader("From", null))
        .isEqualTo("=?UTF-8?Q?Anna_=C3=84rcher?= <anna@m1.example>");
    assertThat(parsed.getHeader("To", null)).isEqualTo("Bob <bob@m1.example>");
    assertThat(parsed.getHeader("Cc", null)).isEqualTo("carol@outside.test");
    assertThat(parsed.getHeader("Bcc")).isNull();
    assertThat(wire).doesNotContain("dave@hidden.test");
    assertThat(parsed.getHeader("MIME-Version", null)).isEqualTo("1.0");
    assertThat(parsed.getHeader("Date", null)).isEqualTo("Fri, 4 Dec 2026 10:15:30 +0000 (UTC)");
    assertThat(parsed.getHeader("Message-ID", null)).matches("<[0-9a-f]{32}@mx\\.lifeboat\\.test>");
    assertThat(parsed.getSubject()).isEqualTo("Quarterly figures");
    assertThat(parsed.getHeader(RawParts.ORIGINAL_HEADER)).isNull();
    assertThat(wire).doesNotContain("\r\n\n").doesNotContain("\n\n");
  }

  @Test
  void draftKeepsBccAndOriginal() throws Exception {
    Composition composition =
        composition("bob@m1.example", "", "dave@hidden.test", "Draft", List.of());

    MimeMessage parsed = parse(write(composer.build(ANNA, composition, true), null));

    assertThat(parsed.getHeader("Bcc", null)).isEqualTo("dave@hidden.test");
    assertThat(parsed.getHeader(RawParts.ORIGINAL_HEADER, null)).isEqualTo("42");
  }

  @Test
  void replyHeadersAreWritten() throws Exception {
    Composition composition =
        new Composition(
            List.of(new InternetAddress("bob@m1.example")),
            List.of(),
            List.of(),
            "Re: Plan",
            "Yes.",
            "<parent@m1.example>",
            List.of("<root@m1.example>", "<parent@m1.example>"),
            List.of(),
            42L);

    MimeMessage parsed = parse(write(composer.build(ANNA, composition, false), null));

    assertThat(parsed.getHeader("In-Reply-To", null)).isEqualTo("<parent@m1.example>");
    assertThat(parsed.getHeader("References", null))
        .isEqualTo("<root@m1.example> <parent@m1.example>");
  }

  @Test
  void attachmentIsStreamedWithFileName() throws Exception {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    AtomicInteger opened = new AtomicInteger();
    Composition.Attachment attachment =
        new Composition.Attachment(
            "Grüße €.pdf",
            "application/pdf",
            data.length,
            null,
            () -> {
              opened.incrementAndGet();
              return new ByteArrayInputStream(data);
            });
    Composition composition = composition("bob@m1.example", "", "", "Files", List.of(attachment));

    MimeMessage built = composer.build(ANNA, composition, false);
    assertThat(opened.get()).isZero();
    MimeMessage parsed = parse(write(built, null));

    MimeMultipart mixed = (MimeMultipart) parsed.getContent();
    assertThat(mixed.getCount()).isEqualTo(2);
    assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("Hello\r\nsecond line");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("Grüße €.pdf");
    assertThat(mixed.getBodyPart(1).getContentType()).startsWith("application/pdf");
    assertThat(mixed.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(data);
    assertThat(opened.get()).isEqualTo(1);
  }

  @Test
  void estimatedSizeCoversBase64() {
    Composition.Attachment attachment =
        new Composition.Attachment("a.bin", "application/octet-stream", 3_000_000, null, null);
    long estimate =
        MessageComposer.estimatedSize(
            composition("bob@m1.example", "", "", "Files", List.of(attachment)));
    assertThat(estimate).isGreaterThan(4_000_000);
    assertThat(estimate).isLessThan(4_200_000);
  }

  @Test
  void unsafeMediaTypeBecomesOctetStream() {
    assertThat(MessageComposer.safeMediaType("image/PNG")).isEqualTo("image/png");
    assertThat(MessageComposer.safeMediaType("text/plain; charset=utf-8")).isEqualTo("text/plain");
    assertThat(MessageComposer.safeMediaType("text/html\r\nBcc: x@y"))
        .isEqualTo("application/octet-stream");
    assertThat(MessageComposer.safeMediaType(null)).isEqualTo("application/octet-stream");
  }

  @Test
  void subjectCannotInjectHeaders() {
    assertThat(ComposeService.singleLine("Hello\r\nBcc: victim@outside.test"))
        .isEqualTo("Hello Bcc: victim@outside.test");
    assertThat(ComposeService.messageId("<a@b>\r\nBcc: x@y")).isNull();
    assertThat(ComposeService.references("<a@b> junk <c@d>")).containsExactly("<a@b>", "<c@d>");
  }

  @Test
  void recipientsAreParsedAndDeduplicated() throws Exception {
    HashSet<String> seen = new HashSet<>();
    List<InternetAddress> to =
        Recipients.parse("to", "\"Archer, Anna\" <anna@m1.example>; bob@m1.example", seen);
    List<InternetAddress> cc = Recipients.parse("cc", "BOB@m1.example, carol@m1.example", seen);

    assertThat(to)
        .extracting(InternetAddress::getAddress)
        .containsExactly("anna@m1.example", "bob@m1.example");
    assertThat(to.getFirst().getPersonal()).isEqualTo("Archer, Anna");
    assertThat(cc).extracting(InternetAddress::getAddress).containsExactly("carol@m1.example");
  }

  @Test
  void invalidRecipientIsNamed() {
    for (String value : List.of("bob", "bob@", "a@b, <broken", "x@y\r\nBcc: z@w")) {
      assertThatThrownBy(() -> Recipients.parse("cc", value, new HashSet<>()))
          .as(value)
          .isInstanceOf(ComposeException.class)
          .extracting(e -> ((ComposeException) e).messageKey())
          .isEqualTo("compose.error.address");
    }
  }

  @Test
  void fromRuleRejectsOtherAddress() {
    ComposeController.requireOwnAddress(ANNA, null);
    ComposeController.requireOwnAddress(ANNA, "ANNA@m1.example");
    assertThatThrownBy(() -> ComposeController.requireOwnAddress(ANNA, "ceo@m1.example"))
        .isInstanceOf(ResponseStatusException.class)
        .hasMessageContaining("ceo@m1.example")
        .hasMessageContaining("403");
  }

  @Test
  void fromIsAlwaysTheSignedInUser() throws Exception {
    MimeMessage built =
        composer.build(ANNA, composition("bob@m1.example", "", "", "Hi", List.of()), false);
    assertThat(built.getFrom()).hasSize(1);
    assertThat(((InternetAddress) built.getFrom()[0]).getAddress()).isEqualTo("anna@m1.example");
    assertThat(built.getSender()).isNull();
    assertThat(built.getReplyTo()[0].toString()).contains("anna@m1.example");
  }

  @Test
  void replyPrefillHelpers() {
    assertThat(ComposePrefill.prefixed("Re:", "Plan")).isEqualTo("Re: Plan");
    assertThat(ComposePrefill.prefixed("Re:", "RE: Plan")).isEqualTo("RE: Plan");
    assertThat(ComposePrefill.prefixed("Fwd:", null)).isEqualTo("Fwd: ");
    assertThat(ComposePrefill.quote("one\r\n> two")).isEqualTo("> one\n>> two\n");
    assertThat(ComposeService.fileName("C:\\Users\\anna\\report.pdf")).isEqualTo("report.pdf");
    assertThat(ComposeService.fileName("../../etc/passwd")).isEqualTo("passwd");
    assertThat(ComposeService.fileName("\u0000")).isEqualTo("attachment");
  }

  private static Composition composition(
      String to, String cc, String bcc, String subject, List<Composition.Attachment> files) {
    try {
      HashSet<String> seen = new HashSet<>();
      return new Composition(
          Recipients.parse("to", to, seen),
          Recipients.parse("cc", cc, seen),
          Recipients.parse("bcc", bcc, seen),
          subject,
          "Hello\nsecond line",
          null,
          List.of(),
          files,
          42L);
    } catch (ComposeException e) {
      throw new AssertionError(e);
    }
  }

  private static String write(MimeMessage message, String[] ignored) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out, ignored);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static MimeMessage parse(String wire) throws Exception {
    return new MimeMessage(
        Session.getInstance(new Properties()),
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
  }
}
