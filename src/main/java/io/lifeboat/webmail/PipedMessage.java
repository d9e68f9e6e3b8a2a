package io.lifeboat.webmail;

import io.lifeboat.delivery.MessageQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;

/**
 * Turns a message writer into an input stream for {@link io.lifeboat.mailstore.Mailstore#append},
 * so that a composed message is stored without a plain-text copy in memory or on disk. A second
 * thread writes into a pipe. When it fails, the reader gets the failure instead of a silently
 * shortened message.
 */
final class PipedMessage extends PipedInputStream {

  private static final int BUFFER = 64 * 1024;

  private volatile IOException failure;
  private final Thread writerThread;

  private PipedMessage(MessageQueue.MessageWriter writer) throws IOException {
    super(BUFFER);
    PipedOutputStream out = new PipedOutputStream(this);
    writerThread =
        Thread.ofPlatform()
            .daemon()
            .name("compose-pipe")
            .start(
                () -> {
                  try (out) {
                    writer.write(null, out);
                  } catch (IOException e) {
                    failure = e;
                  } catch (RuntimeException e) {
                    failure = new IOException("writing the message failed", e);
                  }
                });
  }

  static InputStream of(MessageQueue.MessageWriter writer) throws IOException {
    return new PipedMessage(writer);
  }

  @Override
  public synchronized int read() throws IOException {
    return checked(super.read());
  }

  @Override
  public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
    return checked(super.read(buffer, offset, length));
  }

  private int checked(int result) throws IOException {
    if (result < 0) {
      try {
        writerThread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing the message", e);
      }
      if (failure != null) {
        throw failure;
      }
    }
    return result;
  }
}
