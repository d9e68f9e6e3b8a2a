package io.lifeboat.mailstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stores a 75 MB message and measures how much the live heap grows meanwhile. A sampler thread
 * forces a full garbage collection every 100 ms and records the used heap after it, so garbage from
 * streaming does not count but anything the delivery holds on to does.
 */
class LargeMessageTest extends MailstoreTestSupport {

  private static final Logger log = LoggerFactory.getLogger(LargeMessageTest.class);
  private static final long MESSAGE_BYTES = 75L * 1000 * 1000;
  private static final long HEAP_GROWTH_LIMIT = 64L * 1024 * 1024;

  @Autowired LocalDelivery delivery;
  @Autowired Mailstore mailstore;

  @Test
  void largeMessageKeepsHeapFlat() throws Exception {
    long user = newUser("large");
    Path file = temp.resolve("large.eml");
    byte[] expectedDigest = writeLargeMessage(file);
    assertTrue(Files.size(file) >= MESSAGE_BYTES, "size " + Files.size(file));

    long started = System.nanoTime();
    long growth = peakHeapGrowthWhile(() -> delivery.deliverToInbox(user, "large-1", file));
    long millis = (System.nanoTime() - started) / 1_000_000;

    log.info(
        "75 MB delivery: {} ms, peak live heap growth {} MiB (limit {} MiB)",
        millis,
        growth / (1024 * 1024),
        HEAP_GROWTH_LIMIT / (1024 * 1024));
    assertTrue(growth < HEAP_GROWTH_LIMIT, "heap grew by " + growth + " bytes");
    StoredMessage stored =
        mailstore
            .messages(user, mailstore.folder(user, FolderRole.INBOX).id(), 0, 1)
            .messages()
            .getFirst();
    assertEquals(Files.size(file), stored.size());
    assertEquals("Large attachment", stored.metadata().subject());
    assertEquals("big.bin", stored.metadata().attachments().getFirst().name());
    MessageDigest actual = MessageDigest.getInstance("SHA-256");
    try (InputStream in = mailstore.openRaw(user, stored.id())) {
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        actual.update(buffer, 0, n);
      }
    }
    assertArrayEquals(expectedDigest, actual.digest());

    // Frees 75 MB of the shared test data folder: to Trash, then for good.
    mailstore.delete(user, stored.id());
    assertEquals(Mailstore.Deletion.REMOVED, mailstore.delete(user, stored.id()));
  }

  /** Writes a multipart message with a base64 attachment of random bytes; returns its SHA-256. */
  private static byte[] writeLargeMessage(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (OutputStream out =
        new DigestOutputStream(
            new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), digest)) {
      String head =
          """
          From: Big Sender <big@example.org>
          To: large@example.net
          Subject: Large attachment
          MIME-Version: 1.0
          Content-Type: multipart/mixed; boundary="large-boundary"

          --large-boundary
          Content-Type: text/plain; charset=utf-8

          See the attached file.
          --large-boundary
          Content-Type: application/octet-stream
          Content-Disposition: attachment; filename="big.bin"
          Content-Transfer-Encoding: base64

          """
              .replace("\n", "\r\n");
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      Random random = new Random(75);
      byte[] chunk = new byte[57 * 1000];
      Base64.Encoder lines = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII));
      long written = head.length();
      while (written < MESSAGE_BYTES) {
        random.nextBytes(chunk);
        byte[] encoded = lines.encode(chunk);
        out.write(encoded);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        written += encoded.length + 2;
      }
      out.write("--large-boundary--\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return digest.digest();
  }

  private interface Work {
    void run() throws IOException;
  }

  private static long peakHeapGrowthWhile(Work work) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(baseline);
    AtomicBoolean done = new AtomicBoolean();
    Thread sampler =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!done.get()) {
                    System.gc();
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                      Thread.sleep(100);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    try {
      work.run();
    } finally {
      done.set(true);
      sampler.join();
    }
    return peak.get() - baseline;
  }
}
