package io.lifeboat.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

/**
 * Compares {@link SmtpDataStream} with SubEthaSMTP's byte-at-a-time DATA reader on random inputs
 * made of the bytes that matter (CR, LF, dot, NUL, letters), across block boundaries, and checks
 * that neither consumes a byte after the terminator.
 */
class SmtpDataStreamTest {

  private static final byte[][] TOKENS = {
    {'\r'}, {'\n'}, {'.'}, {0}, {'a'}, {'\r', '\n'}, {'\r', '\n', '.'}, {'\r', '\n', '.', '.'}
  };
  private static final byte[] AFTER = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void plainMessageEndsAtTerminator() throws IOException {
    byte[] input = ascii("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    BufferedInputStream source = new BufferedInputStream(new ByteArrayInputStream(input));

    byte[] content = new SmtpDataStream(source).readAllBytes();

    assertEquals("Subject: x\r\n\r\nbody\r\n", new String(content, StandardCharsets.US_ASCII));
    assertEquals("QUIT\r\n", new String(source.readAllBytes(), StandardCharsets.US_ASCII));
  }

  @Test
  void emptyDataEndsAtOnce() throws IOException {
    BufferedInputStream source = new BufferedInputStream(new ByteArrayInputStream(ascii(".\r\nX")));

    assertEquals(0, new SmtpDataStream(source).readAllBytes().length);
    assertEquals('X', source.read());
  }

  @Test
  void leadingDotOfFirstLineIsUnstuffed() throws IOException {
    BufferedInputStream source = copy(ascii("..first\r\n..second\r\n.\r\n"));

    byte[] content = new SmtpDataStream(source).readAllBytes();

    assertEquals(".first\r\n.second\r\n", new String(content, StandardCharsets.US_ASCII));
  }

  @Test
  void smugglingSequencesDoNotEndData() throws IOException {
    for (String sequence : new String[] {"\n.\n", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\r"}) {
      byte[] input = ascii("a" + sequence + "MAIL FROM:<x@y>\r\n.\r\n");
      BufferedInputStream source = new BufferedInputStream(new ByteArrayInputStream(input));

      byte[] content = new SmtpDataStream(source).readAllBytes();

      assertEquals(-1, source.read(), "bytes left after " + escape(sequence));
      assertArrayEquals(reference(input).content(), content, escape(sequence));
    }
  }

  @Test
  void missingTerminatorIsEndOfFile() {
    byte[] input = ascii("body\r\n.\r");
    BufferedInputStream source = new BufferedInputStream(new ByteArrayInputStream(input));

    assertThrows(EOFException.class, () -> new SmtpDataStream(source).readAllBytes());
  }

  @Test
  void unmarkableInputIsRejected() {
    InputStream unmarkable =
        new ByteArrayInputStream(new byte[0]) {
          @Override
          public boolean markSupported() {
            return false;
          }
        };

    assertThrows(IllegalArgumentException.class, () -> new SmtpDataStream(unmarkable));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 4096})
  void randomInputMatchesLibraryReader(int readSize) throws IOException {
    Random random = new Random(readSize);
    for (int round = 0; round < 3000; round++) {
      byte[] input = randomData(random);
      Result expected = reference(input);
      if (expected == null) {
        // The random tokens turned the final terminator into a stuffed line, so no terminator.
        assertThrows(EOFException.class, () -> decode(copy(input), readSize), escape(input));
        continue;
      }

      Result trickled =
          decode(new BufferedInputStream(new TrickleInputStream(input), 16), readSize);
      Result blocks = decode(new BufferedInputStream(new ByteArrayInputStream(input)), readSize);

      assertArrayEquals(expected.content(), trickled.content(), "content of " + escape(input));
      assertArrayEquals(expected.rest(), trickled.rest(), "rest of " + escape(input));
      assertArrayEquals(expected.content(), blocks.content(), "content of " + escape(input));
      assertArrayEquals(expected.rest(), blocks.rest(), "rest of " + escape(input));
    }
  }

  @Test
  void largeRandomInputMatchesLibraryReader() throws IOException {
    Random random = new Random(42);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(ascii("X\r\n"));
    while (data.size() < 200_000) {
      byte[] token = TOKENS[random.nextInt(TOKENS.length)];
      if (random.nextInt(4) == 0) {
        data.writeBytes("abcdefghijklmnopqrstuvwxyz0123456789".getBytes(StandardCharsets.US_ASCII));
      }
      data.writeBytes(token);
    }
    data.writeBytes(ascii("x\r\n.\r\n"));
    data.writeBytes(AFTER);
    byte[] input = data.toByteArray();

    Result expected = reference(input);
    Result actual = decode(new BufferedInputStream(new ByteArrayInputStream(input), 8192), 65536);

    assertArrayEquals(expected.content(), actual.content());
    assertArrayEquals(expected.rest(), actual.rest());
  }

  private record Result(byte[] content, byte[] rest) {}

  /**
   * Builds random DATA that ends with a terminator followed by a command. It starts with a line of
   * its own because the library, unlike RFC 5321, keeps the leading dot of the first line.
   */
  private static byte[] randomData(Random random) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(ascii("X\r\n"));
    int tokens = random.nextInt(12);
    for (int i = 0; i < tokens; i++) {
      data.writeBytes(TOKENS[random.nextInt(TOKENS.length)]);
    }
    data.writeBytes(ascii(random.nextBoolean() ? "\r\n.\r\n" : ".\r\n"));
    data.writeBytes(AFTER);
    return data.toByteArray();
  }

  /** Returns what the library reads, or null when it finds no terminator. */
  private static Result reference(byte[] input) throws IOException {
    BufferedInputStream source = copy(input);
    try {
      byte[] content =
          new DotUnstuffingInputStream(new DotTerminatedInputStream(source)).readAllBytes();
      return new Result(content, source.readAllBytes());
    } catch (EOFException e) {
      return null;
    }
  }

  private static BufferedInputStream copy(byte[] input) {
    return new BufferedInputStream(new ByteArrayInputStream(input));
  }

  private static Result decode(BufferedInputStream source, int readSize) throws IOException {
    SmtpDataStream data = new SmtpDataStream(source);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    byte[] buffer = new byte[readSize];
    int n;
    while ((n = data.read(buffer, 0, readSize)) != -1) {
      content.write(buffer, 0, n);
    }
    return new Result(content.toByteArray(), source.readAllBytes());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static String escape(String text) {
    return escape(ascii(text));
  }

  private static String escape(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      switch (b) {
        case '\r' -> text.append("<CR>");
        case '\n' -> text.append("<LF>");
        case 0 -> text.append("<NUL>");
        default -> text.append((char) b);
      }
    }
    return text.toString();
  }

  /** Returns at most one byte per read, as a slow client would deliver them. */
  private static final class TrickleInputStream extends FilterInputStream {
    TrickleInputStream(byte[] data) {
      super(new ByteArrayInputStream(data));
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return super.read(buffer, offset, Math.min(1, length));
    }
  }
}
