package io.lifeboat.mailstore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Passes every byte read from the source to a sink as well and counts them, so that one read of a
 * message feeds both the parser and the encrypting blob writer. Skipping is done by reading, so
 * that the sink misses nothing; mark and reset are not supported. Closing does not close the
 * source, because mime4j closes its input at the end of a parse and the rest must still be drained.
 */
final class CopyingInputStream extends FilterInputStream {

  private final OutputStream sink;
  private long count;

  CopyingInputStream(InputStream source, OutputStream sink) {
    super(source);
    this.sink = sink;
  }

  /** Bytes read so far. */
  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      sink.write(b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      sink.write(buffer, offset, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void mark(int limit) {}

  @Override
  public void reset() throws IOException {
    throw new IOException("mark and reset are not supported");
  }

  @Override
  public void close() {
    // The caller that opened the source closes it.
  }

  /** Reads the rest of the source, so that the sink receives all of it. */
  void drain() throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // read() copies to the sink
    }
  }
}
