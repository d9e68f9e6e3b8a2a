package io.lifeboat.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Behaviour every {@link BlobStore} must show. A test class per implementation implements this
 * interface and returns a fresh, empty store from {@link #store()}.
 */
public interface BlobStoreContract {

  BlobStore store() throws IOException;

  @Test
  default void putThenOpenReturnsSameBytes() throws IOException {
    BlobStore store = store();
    byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
    store.put("a/one", new ByteArrayInputStream(content));
    assertArrayEquals(content, read(store, "a/one"));
  }

  @Test
  default void putFromFileStoresItsBytes(@org.junit.jupiter.api.io.TempDir Path temp)
      throws IOException {
    BlobStore store = store();
    Path file = temp.resolve("source");
    byte[] content = randomBytes(100_000, 7);
    Files.write(file, content);
    store.put("file-copy", file);
    assertArrayEquals(content, read(store, "file-copy"));
  }

  @Test
  default void putReplacesExistingBlob() throws IOException {
    BlobStore store = store();
    store.put("k", out -> out.write(1));
    store.put("k", out -> out.write(new byte[] {2, 3}));
    assertArrayEquals(new byte[] {2, 3}, read(store, "k"));
  }

  @Test
  default void emptyBlobIsStored() throws IOException {
    BlobStore store = store();
    store.put("empty", out -> {});
    assertTrue(store.exists("empty"));
    assertArrayEquals(new byte[0], read(store, "empty"));
  }

  @Test
  default void largeBlobRoundTripsByStreaming() throws Exception {
    BlobStore store = store();
    int size = 8 * 1024 * 1024 + 13;
    store.put(
        "big/blob",
        out -> {
          Random random = new Random(42);
          byte[] chunk = new byte[64 * 1024];
          for (int written = 0; written < size; written += chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk, 0, Math.min(chunk.length, size - written));
          }
        });

    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    byte[] chunk = new byte[64 * 1024];
    for (int written = 0; written < size; written += chunk.length) {
      random.nextBytes(chunk);
      expected.update(chunk, 0, Math.min(chunk.length, size - written));
    }

    MessageDigest actual = MessageDigest.getInstance("SHA-256");
    long read = 0;
    try (InputStream in = store.open("big/blob")) {
      byte[] buffer = new byte[32 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        actual.update(buffer, 0, n);
        read += n;
      }
    }

    assertEquals(size, read);
    assertArrayEquals(expected.digest(), actual.digest());
  }

  @Test
  default void writerThatWritesAndClosesStoresAll() throws IOException {
    BlobStore store = store();
    store.put(
        "closed",
        out -> {
          out.write(new byte[] {9, 8, 7});
          out.close();
        });
    assertArrayEquals(new byte[] {9, 8, 7}, read(store, "closed"));
  }

  @Test
  default void failingWriterStoresNothing() throws IOException {
    BlobStore store = store();
    IOException failure =
        assertThrows(
            IOException.class,
            () ->
                store.put(
                    "broken",
                    out -> {
                      out.write(new byte[1000]);
                      throw new IOException("source failed");
                    }));
    assertEquals("source failed", failure.getMessage());
    assertFalse(store.exists("broken"));
  }

  @Test
  default void failingWriterKeepsPreviousBlob() throws IOException {
    BlobStore store = store();
    store.put("keep", out -> out.write(new byte[] {1, 2, 3}));
    assertThrows(
        IOException.class,
        () ->
            store.put(
                "keep",
                out -> {
                  out.write(new byte[] {4});
                  throw new IOException("source failed");
                }));
    assertArrayEquals(new byte[] {1, 2, 3}, read(store, "keep"));
  }

  @Test
  default void openMissingKeyThrowsBlobNotFound() throws IOException {
    BlobStore store = store();
    BlobNotFoundException missing =
        assertThrows(BlobNotFoundException.class, () -> store.open("no/such/blob"));
    assertTrue(missing.getMessage().contains("no/such/blob"), missing.getMessage());
  }

  @Test
  default void existsFollowsPutAndDelete() throws IOException {
    BlobStore store = store();
    assertFalse(store.exists("x/y"));
    store.put("x/y", out -> out.write(5));
    assertTrue(store.exists("x/y"));
    assertTrue(store.delete("x/y"));
    assertFalse(store.exists("x/y"));
  }

  @Test
  default void deleteMissingKeyReturnsFalse() throws IOException {
    assertFalse(store().delete("never-stored"));
  }

  @Test
  default void deleteAllRemovesOnlyThatPrefix() throws IOException {
    BlobStore store = store();
    store.put("mailbox-1/a", out -> out.write(1));
    store.put("mailbox-1/b", out -> out.write(2));
    store.put("mailbox-1/deeper/c", out -> out.write(3));
    store.put("mailbox-10/a", out -> out.write(4));
    store.put("mailbox-1", out -> out.write(5));

    assertEquals(3, store.deleteAll("mailbox-1"));

    assertFalse(store.exists("mailbox-1/a"));
    assertFalse(store.exists("mailbox-1/b"));
    assertFalse(store.exists("mailbox-1/deeper/c"));
    assertTrue(store.exists("mailbox-10/a"));
    assertTrue(store.exists("mailbox-1"));
    assertEquals(0, store.deleteAll("mailbox-1"));
  }

  @Test
  default void invalidKeysAreRejected() throws IOException {
    BlobStore store = store();
    String[] invalid = {
      "",
      "../escape",
      "/absolute",
      "a//b",
      "a/",
      ".hidden",
      "a/.tmp",
      "with space",
      "a\\b",
      "1/2/3/4/5/6/7/8/9",
      "x".repeat(129),
      "ümlaut"
    };
    for (String key : invalid) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> store.put(key, out -> out.write(1)), key);
      assertTrue(e.getMessage().contains("invalid blob key"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.open(key), key);
    }
    assertThrows(IllegalArgumentException.class, () -> store.put(null, out -> out.write(1)));
  }

  private static byte[] read(BlobStore store, String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
