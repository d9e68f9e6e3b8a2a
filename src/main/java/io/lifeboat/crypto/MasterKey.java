package io.lifeboat.crypto;

import io.lifeboat.config.LifeboatProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The service's master key (AES-256). It comes from {@code lifeboat.master-key} (base64) or from
 * the file {@code master.key} in the data folder, which is created with mode 0600 at first start.
 * The master key wraps per-mailbox data keys ({@link #wrap}) and small secrets kept for later use,
 * such as the links of pending notification mails ({@link #seal}).
 */
@Component
public class MasterKey {

  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  public MasterKey(LifeboatProperties properties) {
    this.key = new SecretKeySpec(loadOrCreate(properties), "AES");
  }

  /** Encrypts a short text with AES-256-GCM and returns base64 of nonce and ciphertext. */
  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts what {@link #seal} produced; fails when the text was altered or the key differs. */
  public String open(String sealed) {
    byte[] in = Base64.getDecoder().decode(sealed);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed: wrong master key or data", e);
    }
  }

  /**
   * Encrypts key material, such as a mailbox's data keys, with AES-256-GCM under the master key.
   * {@code associatedData} is authenticated but not stored: {@link #unwrap} must be given the same
   * bytes, which binds the result to its owner. Returns the nonce followed by ciphertext and tag.
   */
  public byte[] wrap(byte[] keyMaterial, byte[] associatedData) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData);
    byte[] sealed = cipher.doFinal(keyMaterial);
    byte[] out = new byte[NONCE_BYTES + sealed.length];
    System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
    System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
    return out;
  }

  /**
   * Decrypts what {@link #wrap} produced.
   *
   * @throws GeneralSecurityException when the bytes were altered, the associated data differs or
   *     they were wrapped under another master key
   */
  public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
    if (wrapped.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException(
          "wrapped key too short: " + wrapped.length + " bytes, expected at least 28");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
    cipher.updateAAD(associatedData);
    return cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
  }

  private static byte[] loadOrCreate(LifeboatProperties properties) {
    if (properties.masterKey() != null && !properties.masterKey().isBlank()) {
      byte[] configured = Base64.getDecoder().decode(properties.masterKey().trim());
      requireKeyLength(configured, "lifeboat.master-key");
      return configured;
    }
    Path file = properties.dataDir().resolve("master.key");
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      byte[] stored = Base64.getDecoder().decode(Files.readString(file).trim());
      requireKeyLength(stored, file.toString());
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] fresh = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(fresh);
    Files.createDirectories(file.getParent());
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException raced) {
      return;
    }
    Files.writeString(
        file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardOpenOption.WRITE);
    log.warn(
        "Created master key file {} (mode 0600). Back it up now and keep the copy apart from the"
            + " database and blob backups: without this key no stored message can be read",
        file.toAbsolutePath());
  }

  private static void requireKeyLength(byte[] key, String source) {
    if (key.length != KEY_BYTES) {
      throw new IllegalStateException(
          source + " must be base64 of 32 bytes (AES-256), but has " + key.length + " bytes");
    }
  }
}
