package io.lifeboat.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Storage for immutable byte objects such as raw messages, addressed by key. Implementations: the
 * filesystem now, an S3-compatible object store later, so nothing here exposes where or how the
 * bytes are kept.
 *
 * <p>A key is one to eight segments joined by {@code /}; each segment starts with a letter or digit
 * and continues with letters, digits, {@code .}, {@code _} or {@code -}. The segments before the
 * last one act as a prefix that {@link #deleteAll} removes at once, for example every blob of one
 * mailbox.
 */
public interface BlobStore {

  /** The key syntax described on this interface. */
  Pattern KEY =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}");

  /** Writes the content of a blob to the stream it is given. */
  @FunctionalInterface
  interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Stores the bytes that {@code content} writes under {@code key}, replacing a blob with that key.
   * Returns only once the blob is durable. When {@code content} throws, nothing is stored and an
   * existing blob with that key is left as it was. The writer may close the stream it is given.
   */
  void put(String key, ContentWriter content) throws IOException;

  /**
   * Stores the rest of {@code content} under {@code key}; see {@link #put(String, ContentWriter)}.
   */
  default void put(String key, InputStream content) throws IOException {
    put(key, content::transferTo);
  }

  /** Stores a copy of the file {@code source} under {@code key}. */
  default void put(String key, Path source) throws IOException {
    try (InputStream in = Files.newInputStream(source)) {
      put(key, in);
    }
  }

  /**
   * Opens a blob for reading.
   *
   * @throws BlobNotFoundException when no blob has that key
   */
  InputStream open(String key) throws IOException;

  boolean exists(String key) throws IOException;

  /** Deletes a blob; returns false when there was none. The deletion is durable on return. */
  boolean delete(String key) throws IOException;

  /**
   * Deletes every blob whose key starts with {@code prefix + "/"}; returns how many were deleted.
   * {@code prefix} is itself one or more key segments.
   */
  long deleteAll(String prefix) throws IOException;

  /** Rejects a key that breaks the syntax described on this interface. */
  static String requireValidKey(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "invalid blob key '"
              + key
              + "': use 1 to 8 segments of letters, digits, '.', '_' and '-' joined by '/',"
              + " each starting with a letter or digit");
    }
    return key;
  }
}
