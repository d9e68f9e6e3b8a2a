package io.lifeboat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.config.LifeboatProperties;
import io.lifeboat.crypto.MasterKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segmented AES-GCM format of spool files. */
class SpoolCipherTest {

  @TempDir Path folder;

  private MasterKey masterKey() {
    byte[] key = new byte[32];
    new Random(1).nextBytes(key);
    return new MasterKey(
        new LifeboatProperties(
            folder, null, false, null, null, Base64.getEncoder().encodeToString(key)));
  }

  private byte[] encrypt(MasterKey key, byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream encrypting = SpoolCipher.encrypting(out, key)) {
      encrypting.write(plain);
    }
    return out.toByteArray();
  }

  private byte[] decrypt(MasterKey key, byte[] sealed) throws IOException {
    try (InputStream in = SpoolCipher.decrypting(new ByteArrayInputStream(sealed), key)) {
      return in.readAllBytes();
    }
  }

  @Test
  void roundTripKeepsEveryByte() throws IOException {
    MasterKey key = masterKey();
    for (int size :
        new int[] {0, 1, SpoolCipher.SEGMENT_BYTES, SpoolCipher.SEGMENT_BYTES + 1, 300_000}) {
      byte[] plain = new byte[size];
      new Random(size).nextBytes(plain);
      assertThat(decrypt(key, encrypt(key, plain))).as("size " + size).isEqualTo(plain);
    }
  }

  @Test
  void ciphertextContainsNoPlainText() throws IOException {
    byte[] plain = "Subject: quarterly numbers\r\n\r\nsecret body".getBytes(StandardCharsets.UTF_8);
    String sealed = new String(encrypt(masterKey(), plain), StandardCharsets.ISO_8859_1);
    assertThat(sealed).doesNotContain("quarterly");
    assertThat(sealed).doesNotContain("secret body");
  }

  @Test
  void fileCutAtSegmentBoundaryIsRejected() throws IOException {
    MasterKey key = masterKey();
    byte[] plain = new byte[SpoolCipher.SEGMENT_BYTES * 2 + 10];
    byte[] sealed = encrypt(key, plain);
    int firstSegmentEnd = headerLength(sealed) + 4 + SpoolCipher.SEGMENT_BYTES + 16;
    byte[] cut = Arrays.copyOf(sealed, firstSegmentEnd);
    assertThatThrownBy(() -> decrypt(key, cut)).isInstanceOf(IOException.class);
  }

  @Test
  void alteredByteIsRejected() throws IOException {
    MasterKey key = masterKey();
    byte[] sealed = encrypt(key, "hello".getBytes(StandardCharsets.US_ASCII));
    sealed[sealed.length - 1] ^= 1;
    assertThatThrownBy(() -> decrypt(key, sealed))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("damaged");
  }

  private static int headerLength(byte[] sealed) {
    int keyLength = ((sealed[4] & 0xff) << 8) | (sealed[5] & 0xff);
    return 4 + 2 + keyLength + 8;
  }
}
