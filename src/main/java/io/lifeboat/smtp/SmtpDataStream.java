package io.lifeboat.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The content of one DATA command (RFC 5321 section 4.1.1.4), read block by block from the
 * session's input. It ends only at {@code <CRLF>.<CRLF>}, where the data start counts as a line
 * start, and removes the leading dot of every other line that starts with one (section 4.5.2). The
 * CRLF before the final dot belongs to the content. Bare CR, bare LF and NUL pass through unchanged
 * for {@link DataGuard} to judge, so {@code <LF>.<LF>} and similar sequences end nothing.
 *
 * <p>The session reads its next command from the same input, so this stream must not consume a byte
 * after the terminator: it marks the input before each block and, on finding the terminator, resets
 * it and skips exactly the bytes up to and including the terminator's LF. The input must therefore
 * support {@link InputStream#mark}.
 *
 * <p>After the first line, the output equals that of SubEthaSMTP 7.2.0's {@code
 * DotTerminatedInputStream} followed by its {@code DotUnstuffingInputStream}, which read one byte
 * per call. Those keep the leading dot of the first line, against RFC 5321, and this stream removes
 * it.
 */
final class SmtpDataStream extends InputStream {

  private static final int BLOCK_BYTES = 8192;

  /** Inside a line, after a byte that is neither CR nor the LF of a CRLF. */
  private static final int IN_LINE = 0;

  /** After a CR. */
  private static final int AFTER_CR = 1;

  /** At the start of the data or after a CRLF. */
  private static final int LINE_START = 2;

  /** After a dot at a line start, which is held back. */
  private static final int LINE_START_DOT = 3;

  /** After a dot and a CR at a line start, which are both held back. */
  private static final int LINE_START_DOT_CR = 4;

  private final InputStream in;
  private final byte[] block = new byte[BLOCK_BYTES];
  private final byte[] singleByte = new byte[1];
  private int blockPosition;
  private int blockLength;
  private int state = LINE_START;
  private int pending = -1;
  private boolean ended;

  SmtpDataStream(InputStream in) {
    if (!in.markSupported()) {
      throw new IllegalArgumentException("SMTP input must support mark: " + in.getClass());
    }
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    int n = read(singleByte, 0, 1);
    return n < 0 ? -1 : singleByte[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (length == 0) {
      return 0;
    }
    int position = offset;
    int end = offset + length;
    if (pending >= 0) {
      buffer[position++] = (byte) pending;
      pending = -1;
    }
    while (position < end && !ended) {
      if (blockPosition == blockLength && !fillBlock()) {
        break;
      }
      position = decode(buffer, position, end);
    }
    if (position == offset && ended) {
      return -1;
    }
    return position - offset;
  }

  /**
   * Reads the next block after marking the input, so that the bytes after the terminator can be
   * given back. Returns false when no byte was read because the data has ended.
   */
  private boolean fillBlock() throws IOException {
    in.mark(BLOCK_BYTES);
    int n = in.read(block, 0, BLOCK_BYTES);
    if (n < 0) {
      throw new EOFException("Connection closed before the <CRLF>.<CRLF> that ends DATA");
    }
    blockPosition = 0;
    blockLength = n;
    return n > 0;
  }

  /** Decodes block bytes into the buffer from position until end; returns the new position. */
  private int decode(byte[] buffer, int position, int end) throws IOException {
    while (blockPosition < blockLength && position < end) {
      if (state == IN_LINE) {
        position = copyToNextCr(buffer, position, end);
        continue;
      }
      byte b = block[blockPosition++];
      switch (state) {
        case AFTER_CR -> {
          buffer[position++] = b;
          if (b == '\n') {
            state = LINE_START;
          } else if (b != '\r') {
            state = IN_LINE;
          }
        }
        case LINE_START -> {
          if (b == '.') {
            state = LINE_START_DOT;
          } else {
            buffer[position++] = b;
            state = b == '\r' ? AFTER_CR : IN_LINE;
          }
        }
        case LINE_START_DOT -> {
          // The dot is either dot-stuffing or part of the terminator, so it is never content.
          if (b == '\r') {
            state = LINE_START_DOT_CR;
          } else {
            buffer[position++] = b;
            state = IN_LINE;
          }
        }
        default -> {
          if (b == '\n') {
            end();
            return position;
          }
          // A stuffed dot followed by a CR that is not part of a CRLF: both CRs stay.
          buffer[position++] = '\r';
          if (position < end) {
            buffer[position++] = b;
          } else {
            pending = b & 0xff;
          }
          state = b == '\r' ? AFTER_CR : IN_LINE;
        }
      }
    }
    return position;
  }

  /** Copies block bytes up to and including the next CR, as far as the buffer has room. */
  private int copyToNextCr(byte[] buffer, int position, int end) {
    int limit = Math.min(blockLength, blockPosition + (end - position));
    int i = blockPosition;
    while (i < limit && block[i] != '\r') {
      i++;
    }
    if (i < limit) {
      i++;
      state = AFTER_CR;
    }
    int n = i - blockPosition;
    System.arraycopy(block, blockPosition, buffer, position, n);
    blockPosition = i;
    return position + n;
  }

  /** Gives back the bytes read after the terminator, so the next command starts right after it. */
  private void end() throws IOException {
    ended = true;
    in.reset();
    in.skipNBytes(blockPosition);
    blockPosition = blockLength;
  }
}
