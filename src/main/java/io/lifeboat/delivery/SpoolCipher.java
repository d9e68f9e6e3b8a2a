package io.lifeboat.delivery;

import io.lifeboat.crypto.MasterKey;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts spool files with AES-256-GCM in segments of 64 KiB, so that a message is never held in
 * memory whole and never lies on disk in clear. Each file has its own random data key, stored in
 * the file's header sealed with the master key.
 *
 * <p>Layout: the magic {@code LBS1}, a 2-byte length and the sealed data key (ASCII), an 8-byte
 * random nonce prefix, then segments of a 4-byte ciphertext length and the ciphertext. A segment's
 * nonce is the prefix followed by its 4-byte index. Its additional data is one byte, 1 for the last
 * segment, so a file cut at a segment boundary fails to decrypt instead of reading short.
 */
final class SpoolCipher {

  static final int SEGMENT_BYTES = 64 * 1024;
  private static final int INITIAL_BUFFER_BYTES = 16 * 1024;
  private static final byte[] MAGIC = "LBS1".getBytes(StandardCharsets.US_ASCII);
  private static final int KEY_BYTES = 32;
  private static final int PREFIX_BYTES = 8;
  private static final int TAG_BITS = 128;
  private static final int TAG_BYTES = TAG_BITS / 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SpoolCipher() {}

  /** Returns a stream that encrypts into {@code out}; closing it writes the last segment. */
  static OutputStream encrypting(OutputStream out, MasterKey masterKey) throws IOException {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    byte[] prefix = new byte[PREFIX_BYTES];
    RANDOM.nextBytes(prefix);
    byte[] sealed =
        masterKey.seal(Base64.getEncoder().encodeToString(key)).getBytes(StandardCharsets.US_ASCII);
    out.write(MAGIC);
    out.write(ByteBuffer.allocate(2).putShort((short) sealed.length).array());
    out.write(sealed);
    out.write(prefix);
    return new EncryptingStream(out, new SecretKeySpec(key, "AES"), prefix);
  }

  /** Returns a stream that decrypts a file written by {@link #encrypting}. */
  static InputStream decrypting(InputStream in, MasterKey masterKey) throws IOException {
    InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in, SEGMENT_BYTES);
    DataInputStream data = new DataInputStream(buffered);
    byte[] magic = new byte[MAGIC.length];
    data.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Lifeboat spool file: the header is missing");
    }
    byte[] sealed = new byte[data.readUnsignedShort()];
    data.readFully(sealed);
    byte[] key =
        Base64.getDecoder().decode(masterKey.open(new String(sealed, StandardCharsets.US_ASCII)));
    byte[] prefix = new byte[PREFIX_BYTES];
    data.readFully(prefix);
    return new DecryptingStream(data, new SecretKeySpec(key, "AES"), prefix);
  }

  /**
   * Re-seals the data key in the header of a spool file under the primary master key, in place.
   * Returns false when it was sealed under the primary key already. The segments stay as they are.
   * The sealed key keeps its length (it always seals 44 base64 characters), so only the bytes after
   * the 2-byte length change.
   *
   * <p>NOTE: the rewrite is one write of about 100 bytes inside the file's first 512-byte sector,
   * followed by fsync. A power loss during that write could tear the header on storage that does
   * not write a sector atomically, and the message would be lost.
   */
  static boolean rewrapHeader(FileChannel channel, MasterKey masterKey) throws IOException {
    String oldSealed = readSealedKey(channel);
    if (masterKey.isSealedWith(oldSealed, masterKey.primaryKeyId())) {
      return false;
    }
    int length = oldSealed.length();
    byte[] resealed = masterKey.seal(masterKey.open(oldSealed)).getBytes(StandardCharsets.US_ASCII);
    if (resealed.length != length) {
      throw new IOException(
          "the re-sealed spool key has " + resealed.length + " bytes instead of " + length);
    }
    ByteBuffer out = ByteBuffer.wrap(resealed);
    long position = MAGIC.length + 2;
    while (out.hasRemaining()) {
      position += channel.write(out, position);
    }
    channel.force(true);
    return true;
  }

  /** Returns whether the data key in a spool file's header is sealed under key {@code keyId}. */
  static boolean isHeaderSealedWith(FileChannel channel, MasterKey masterKey, String keyId)
      throws IOException {
    return masterKey.isSealedWith(readSealedKey(channel), keyId);
  }

  private static String readSealedKey(FileChannel channel) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 2);
    readFully(channel, head, 0);
    if (!Arrays.equals(Arrays.copyOf(head.array(), MAGIC.length), MAGIC)) {
      throw new IOException("not a Lifeboat spool file: the header is missing");
    }
    ByteBuffer sealed = ByteBuffer.allocate(head.getShort(MAGIC.length) & 0xffff);
    readFully(channel, sealed, head.capacity());
    return new String(sealed.array(), StandardCharsets.US_ASCII);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new IOException("spool file is truncated inside its header");
      }
      position += n;
    }
  }

  /**
   * Encrypts or decrypts one segment into {@code output} with a reused cipher; returns the number
   * of bytes written. Reusing the cipher and the buffers keeps a 75 MB message from creating 75 MB
   * of garbage.
   */
  private static int crypt(
      Cipher cipher,
      int mode,
      SecretKey key,
      byte[] prefix,
      int index,
      boolean last,
      byte[] input,
      int length,
      byte[] output)
      throws IOException {
    try {
      byte[] nonce = ByteBuffer.allocate(PREFIX_BYTES + 4).put(prefix).putInt(index).array();
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
      return cipher.doFinal(input, 0, length, output, 0);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "spool segment "
              + index
              + " failed to "
              + (mode == Cipher.ENCRYPT_MODE ? "encrypt" : "decrypt")
              + ": the file is damaged or the master key changed",
          e);
    }
  }

  private static Cipher newCipher() throws IOException {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IOException("AES-GCM is not available in this JVM", e);
    }
  }

  private static final class EncryptingStream extends OutputStream {
    private final OutputStream out;
    private final SecretKey key;
    private final byte[] prefix;
    private final Cipher cipher;

    // The buffers start small and grow up to one segment, so that a 10 KB message does not
    // allocate two 64 KiB arrays. A segment is written only when SEGMENT_BYTES are filled, so the
    // file layout does not depend on the buffer size.
    private byte[] buffer = new byte[INITIAL_BUFFER_BYTES];
    private byte[] sealed = new byte[INITIAL_BUFFER_BYTES + TAG_BYTES];
    private int filled;
    private int index;
    private boolean closed;

    EncryptingStream(OutputStream out, SecretKey key, byte[] prefix) throws IOException {
      this.out = out;
      this.key = key;
      this.prefix = prefix;
      this.cipher = newCipher();
    }

    @Override
    public void write(int b) throws IOException {
      makeRoom();
      buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      while (length > 0) {
        makeRoom();
        int n = Math.min(length, buffer.length - filled);
        System.arraycopy(bytes, offset, buffer, filled, n);
        filled += n;
        offset += n;
        length -= n;
      }
    }

    /** Writes the final segment; the data is complete only after this. */
    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        writeSegment(true);
        out.flush();
      }
    }

    /** Makes room for at least one byte: grows a full buffer, or writes a full segment. */
    private void makeRoom() throws IOException {
      if (filled < buffer.length) {
        return;
      }
      if (buffer.length < SEGMENT_BYTES) {
        int size = Math.min(SEGMENT_BYTES, buffer.length * 2);
        buffer = java.util.Arrays.copyOf(buffer, size);
        sealed = new byte[size + TAG_BYTES];
        return;
      }
      writeSegment(false);
    }

    private void writeSegment(boolean last) throws IOException {
      int length =
          crypt(cipher, Cipher.ENCRYPT_MODE, key, prefix, index++, last, buffer, filled, sealed);
      out.write(ByteBuffer.allocate(4).putInt(length).array());
      out.write(sealed, 0, length);
      filled = 0;
    }
  }

  private static final class DecryptingStream extends InputStream {
    private final DataInputStream in;
    private final SecretKey key;
    private final byte[] prefix;
    private final byte[] sealed = new byte[SEGMENT_BYTES + TAG_BYTES];
    private final byte[] plain = new byte[SEGMENT_BYTES];
    private final Cipher cipher;
    private int plainLength;
    private int position;
    private int index;
    private boolean lastSeen;

    DecryptingStream(DataInputStream in, SecretKey key, byte[] prefix) throws IOException {
      this.in = in;
      this.key = key;
      this.prefix = prefix;
      this.cipher = newCipher();
    }

    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      return plain[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(length, plainLength - position);
      System.arraycopy(plain, position, bytes, offset, n);
      position += n;
      return n;
    }

    /** Decrypts the next segment when the current one is used up; returns false at the end. */
    private boolean fill() throws IOException {
      while (position == plainLength) {
        if (lastSeen) {
          return false;
        }
        int length;
        try {
          length = in.readInt();
        } catch (EOFException e) {
          throw new IOException("spool file is truncated: its last segment is missing", e);
        }
        if (length < TAG_BYTES || length > SEGMENT_BYTES + TAG_BYTES) {
          throw new IOException("spool file is damaged: invalid segment length " + length);
        }
        in.readFully(sealed, 0, length);
        boolean last = peekEnd();
        plainLength =
            crypt(cipher, Cipher.DECRYPT_MODE, key, prefix, index++, last, sealed, length, plain);
        position = 0;
        lastSeen = last;
      }
      return true;
    }

    /** Returns whether the underlying stream is at its end, without losing a byte. */
    private boolean peekEnd() throws IOException {
      in.mark(1);
      int next = in.read();
      if (next < 0) {
        return true;
      }
      in.reset();
      return false;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
