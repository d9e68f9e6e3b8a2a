package io.lifeboat.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watches the DATA of one message after dot-unstuffing: counts its bytes and its {@code Received}
 * header lines, and records a bare CR, a bare LF or a NUL byte. It never ends the stream early; the
 * stream below ends only at {@code <CRLF>.<CRLF>}, and the caller rejects the message afterwards if
 * the guard saw anything wrong.
 */
final class DataGuard extends FilterInputStream {

  private long count;
  private boolean previousCr;
  private boolean bareCr;
  private boolean bareLf;
  private boolean nul;
  private boolean eightBit;

  private static final byte[] RECEIVED = "received:".getBytes(StandardCharsets.US_ASCII);
  private boolean inHeaders = true;
  private boolean lineStart = true;
  private int receivedMatch = -1;
  private int receivedHeaders;

  DataGuard(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      inspect((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    for (int i = 0; i < n; i++) {
      inspect(buffer[offset + i]);
    }
    return n;
  }

  private void inspect(byte b) {
    count++;
    countReceivedHeaders(b);
    if (previousCr && b != '\n') {
      bareCr = true;
    }
    if (b == '\n' && !previousCr) {
      bareLf = true;
    }
    if (b == 0) {
      nul = true;
    }
    if (b < 0) {
      eightBit = true;
    }
    previousCr = b == '\r';
  }

  /**
   * Counts header lines that start with {@code Received:}, in any case, until the empty line that
   * ends the header section.
   */
  private void countReceivedHeaders(byte b) {
    if (!inHeaders) {
      return;
    }
    if (lineStart) {
      lineStart = false;
      if (b == '\r' || b == '\n') {
        inHeaders = false;
        return;
      }
      receivedMatch = 0;
    }
    if (b == '\n') {
      lineStart = true;
      receivedMatch = -1;
      return;
    }
    if (receivedMatch >= 0 && receivedMatch < RECEIVED.length) {
      int lower = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
      if (lower == RECEIVED[receivedMatch]) {
        receivedMatch++;
        if (receivedMatch == RECEIVED.length) {
          receivedHeaders++;
        }
      } else {
        receivedMatch = -1;
      }
    }
  }

  long count() {
    return count;
  }

  /** Returns how many {@code Received} header lines the message arrived with. */
  int receivedHeaders() {
    return receivedHeaders;
  }

  boolean eightBit() {
    return eightBit;
  }

  /** Returns why the message must be rejected, or null when its line endings and bytes are fine. */
  String violation() {
    if (nul) {
      return "NUL byte";
    }
    if (bareLf) {
      return "bare LF";
    }
    if (bareCr || previousCr) {
      return "bare CR";
    }
    return null;
  }
}
