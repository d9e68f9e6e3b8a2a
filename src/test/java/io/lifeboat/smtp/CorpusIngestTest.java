package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeboat.testing.MailPathTest;
import io.lifeboat.testing.SmtpWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sends every message of the MIME corpus in {@code LIFEBOAT_TEST_CORPUS} through SMTP, the way an
 * MTA would (CRLF line endings, dot-stuffed), and checks that each one is accepted or rejected by
 * the SMTP rules and that each accepted one reaches the standby mailbox byte for byte, below the
 * {@code Received} header.
 */
class CorpusIngestTest extends MailPathTest {

  private record Sent(String name, byte[] normalized) {}

  @Test
  void everyCorpusMessagePassesUnchanged() throws Exception {
    String corpus = System.getenv("LIFEBOAT_TEST_CORPUS");
    assumeTrue(
        corpus != null && !corpus.isBlank(),
        "LIFEBOAT_TEST_CORPUS is not set; point it at the MIME corpus folder to run this test");
    Path folder = Path.of(corpus);
    List<String> names = messageNames(folder);
    assertThat(names).isNotEmpty();

    Map<String, Sent> accepted = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      for (String name : names) {
        byte[] normalized = crlf(Files.readAllBytes(folder.resolve(name)));
        String reply = send(wire, normalized);
        if (reply.startsWith("250 2.0.0 Ok: queued as ")) {
          accepted.put(
              reply.substring("250 2.0.0 Ok: queued as ".length()), new Sent(name, normalized));
        } else if (!expectedRejection(reply, normalized)) {
          unexpected.add(name + ": " + reply);
        }
        assertThat(wire.command("NOOP")).as("session after " + name).isEqualTo("250 2.0.0 Ok");
      }
    }
    assertThat(unexpected).as("messages with an unexpected reply").isEmpty();
    assertThat(accepted.size()).as("accepted messages").isGreaterThan(names.size() / 2);

    await(
        "delivery of every accepted corpus message",
        () -> deliveredCount(accepted) == accepted.size());
    List<String> changed = new ArrayList<>();
    for (Path file : mailstore.inbox(user(CORPUS_USER).id())) {
      String queueId = file.getFileName().toString().split("\\.")[0];
      Sent sent = accepted.get(queueId);
      if (sent != null
          && !Arrays.equals(withoutReceived(Files.readAllBytes(file)), sent.normalized())) {
        changed.add(sent.name());
      }
    }
    assertThat(changed).as("messages changed on the way").isEmpty();
  }

  private static List<String> messageNames(Path folder) throws IOException {
    List<String> names = new ArrayList<>();
    for (String row : Files.readAllLines(folder.resolve("FILES.tsv"), StandardCharsets.UTF_8)) {
      String[] columns = row.split("\t");
      if (columns.length > 1 && columns[1].equals("message")) {
        names.add(columns[0]);
      }
    }
    return names;
  }

  private static String send(SmtpWire wire, byte[] message) throws IOException {
    assertThat(wire.command("MAIL FROM:<corpus@outside.test>")).isEqualTo("250 2.1.0 Ok");
    assertThat(wire.command("RCPT TO:<" + CORPUS_USER + ">")).isEqualTo("250 2.1.5 Ok");
    assertThat(wire.command("DATA")).startsWith("354 ");
    wire.write(dotStuff(message));
    return wire.command(".");
  }

  /** A message over the test's 1 MB limit or with a NUL byte must be rejected, and only so. */
  private static boolean expectedRejection(String reply, byte[] message) {
    if (message.length > 1024 * 1024 - 200) {
      return reply.startsWith("552 5.3.4 ");
    }
    for (byte b : message) {
      if (b == 0) {
        return reply.startsWith("550 5.6.0 ");
      }
    }
    if (receivedHeaders(message) > MessageReceiver.MAX_RECEIVED_HEADERS) {
      return reply.startsWith("554 5.4.6 ");
    }
    return false;
  }

  /** Counts the header lines that start with "Received:", up to the first empty line. */
  private static int receivedHeaders(byte[] message) {
    String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String headers = end < 0 ? text : text.substring(0, end);
    int count = 0;
    for (String line : headers.split("\r\n")) {
      if (line.regionMatches(true, 0, "Received:", 0, "Received:".length())) {
        count++;
      }
    }
    return count;
  }

  private long deliveredCount(Map<String, Sent> accepted) {
    try {
      return mailstore.inbox(user(CORPUS_USER).id()).stream()
          .map(f -> f.getFileName().toString().split("\\.")[0])
          .filter(accepted::containsKey)
          .count();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Converts bare LF and bare CR to CRLF and ends the message with CRLF, as an MTA sends it. */
  static byte[] crlf(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 20);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          i++;
        }
      } else if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else {
        out.write(b);
      }
    }
    byte[] result = out.toByteArray();
    if (result.length < 2
        || result[result.length - 2] != '\r'
        || result[result.length - 1] != '\n') {
      out.write('\r');
      out.write('\n');
      result = out.toByteArray();
    }
    return result;
  }

  /** Doubles the dot at the start of every line (RFC 5321 section 4.5.2). */
  private static byte[] dotStuff(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
    boolean lineStart = true;
    for (byte b : message) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    return out.toByteArray();
  }

  /** Drops the three lines of the Received header that Lifeboat put on top. */
  private static byte[] withoutReceived(byte[] stored) {
    int i = 0;
    for (int line = 0; line < 3; line++) {
      while (stored[i] != '\n') {
        i++;
      }
      i++;
    }
    return Arrays.copyOfRange(stored, i, stored.length);
  }
}
