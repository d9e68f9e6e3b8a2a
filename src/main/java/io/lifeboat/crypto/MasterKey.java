package io.lifeboat.crypto;

import io.lifeboat.config.LifeboatProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The service's master keys (AES-256). The primary key comes from {@code lifeboat.master-key}
 * (base64) or from the file {@code master.key} in the data folder, which is created with mode 0600
 * at first start. The master key wraps per-mailbox data keys ({@link #wrap}) and small secrets kept
 * for later use, such as queued envelope addresses and the links of pending notification mails
 * ({@link #seal}).
 *
 * <p>During a rotation the new key is in {@code master.key.next} and is the primary key: everything
 * sealed or wrapped from then on uses it, and {@link #open} and {@link #unwrap} accept both keys.
 * {@link #finishRotation} renames {@code master.key} to {@code master.key.retired-<key id>} and
 * {@code master.key.next} to {@code master.key}. Each rename is atomic, and a start that finds
 * {@code master.key.next} without {@code master.key} completes the second rename.
 */
@Component
public class MasterKey {

  static final String KEY_FILE = "master.key";
  static final String NEXT_KEY_FILE = "master.key.next";
  static final String RETIRED_PREFIX = "master.key.retired-";

  private static final Logger log = LoggerFactory.getLogger(MasterKey.class);
  private static final int KEY_BYTES = 32;
  private static final int MIN_DISTINCT_BYTES = 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] KEY_ID_LABEL = "lifeboat/master-key-id/v1".getBytes();

  /** One master key and its id. */
  private record Entry(String id, SecretKey key) {}

  private final SecureRandom random = new SecureRandom();
  private final Path dataDir;
  private final boolean fromConfiguration;

  /** The primary key first; a second entry only while a rotation runs. */
  private volatile List<Entry> keys;

  public MasterKey(LifeboatProperties properties) {
    this.dataDir = properties.dataDir();
    this.fromConfiguration = properties.masterKey() != null && !properties.masterKey().isBlank();
    this.keys = fromConfiguration ? List.of(configured(properties)) : loadFiles(dataDir);
  }

  /** Returns the id of the key that seals and wraps now: 16 hex digits derived from the key. */
  public String primaryKeyId() {
    return keys.get(0).id();
  }

  /** Returns the ids of the loaded keys, the primary key first. */
  public List<String> keyIds() {
    return keys.stream().map(Entry::id).toList();
  }

  /** Returns whether {@code master.key.next} exists, that is a rotation has not finished. */
  public boolean rotationInProgress() {
    return keys.size() > 1;
  }

  /**
   * Returns whether the key comes from {@code lifeboat.master-key}, which the API cannot rotate.
   */
  public boolean fromConfiguration() {
    return fromConfiguration;
  }

  /** Encrypts a short text with AES-256-GCM and returns base64 of nonce and ciphertext. */
  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(0).key(), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(concat(nonce, sealed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts what {@link #seal} produced; fails when the text was altered or no key fits. */
  public String open(String sealed) {
    byte[] in = Base64.getDecoder().decode(sealed);
    for (Entry entry : keys) {
      try {
        return new String(decrypt(entry.key(), in, null), StandardCharsets.UTF_8);
      } catch (GeneralSecurityException e) {
        // GCM rejects a wrong key as it rejects altered data, so try the next key.
      }
    }
    throw new IllegalStateException(
        "AES-GCM decryption failed: no loaded master key " + keyIds() + " opens the data");
  }

  /** Returns whether {@code sealed} was sealed under the key with id {@code keyId}. */
  public boolean isSealedWith(String sealed, String keyId) {
    byte[] in = Base64.getDecoder().decode(sealed);
    for (Entry entry : keys) {
      if (entry.id().equals(keyId)) {
        try {
          decrypt(entry.key(), in, null);
          return true;
        } catch (GeneralSecurityException e) {
          return false;
        }
      }
    }
    return false;
  }

  /**
   * Encrypts key material, such as a mailbox's data keys, with AES-256-GCM under the primary key.
   * {@code associatedData} is authenticated but not stored: {@link #unwrap} must be given the same
   * bytes, which binds the result to its owner. Returns the nonce followed by ciphertext and tag.
   */
  public byte[] wrap(byte[] keyMaterial, byte[] associatedData) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, keys.get(0).key(), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData);
    return concat(nonce, cipher.doFinal(keyMaterial));
  }

  /**
   * Decrypts what {@link #wrap} produced, with whichever loaded key fits.
   *
   * @throws GeneralSecurityException when the bytes were altered, the associated data differs or no
   *     loaded master key wrapped them
   */
  public byte[] unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
    if (wrapped.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException(
          "wrapped key too short: " + wrapped.length + " bytes, expected at least 28");
    }
    GeneralSecurityException failure = null;
    for (Entry entry : keys) {
      try {
        return decrypt(entry.key(), wrapped, associatedData);
      } catch (GeneralSecurityException e) {
        failure = e;
      }
    }
    throw failure;
  }

  /**
   * Starts a rotation: writes {@code master.key.next} (mode 0600, flushed to disk) and makes the
   * new key primary, keeping the current key for reading. Returns the new key's id.
   *
   * @throws IllegalStateException when the key comes from configuration or a rotation is running
   */
  public synchronized String beginRotation(byte[] newKey) {
    requireKeyLength(newKey, "the new master key");
    if (fromConfiguration) {
      throw new IllegalStateException(
          "the master key is set by lifeboat.master-key; rotation through the API needs the key"
              + " file master.key in the data folder");
    }
    if (rotationInProgress()) {
      throw new IllegalStateException(
          "a rotation to master key " + primaryKeyId() + " has not finished");
    }
    Entry fresh = entry(newKey);
    if (fresh.id().equals(primaryKeyId())) {
      throw new IllegalArgumentException("the new master key equals the current one");
    }
    Path next = dataDir.resolve(NEXT_KEY_FILE);
    try {
      writeKeyFile(next, newKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the new master key file " + next, e);
    }
    keys = List.of(fresh, keys.get(0));
    log.info(
        "Master key rotation began: new key {} is primary, key {} still reads",
        fresh.id(),
        keys.get(1).id());
    return fresh.id();
  }

  /**
   * Ends a rotation once nothing is wrapped under the old key: retires {@code master.key} and puts
   * the new key in its place. Returns the retired file.
   */
  public synchronized Path finishRotation() {
    if (!rotationInProgress()) {
      throw new IllegalStateException("no master key rotation is in progress");
    }
    String oldId = keys.get(1).id();
    Path current = dataDir.resolve(KEY_FILE);
    Path retired = dataDir.resolve(RETIRED_PREFIX + oldId);
    try {
      move(current, retired);
      move(dataDir.resolve(NEXT_KEY_FILE), current);
      syncFolder(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot retire the master key file " + current, e);
    }
    keys = List.of(keys.get(0));
    log.warn(
        "Master key rotation finished: {} now contains key {}, and the old key {} is in {}. Back up the"
            + " new key now. Keep the retired file with the backups taken before the rotation"
            + " and remove it from the data folder",
        current.toAbsolutePath(),
        primaryKeyId(),
        oldId,
        retired.toAbsolutePath());
    return retired;
  }

  /** Generates 32 random bytes for a new master key. */
  public static byte[] generate() {
    byte[] fresh = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(fresh);
    return fresh;
  }

  /** Decodes a base64 master key and checks its length; the message never contains the key. */
  public static byte[] decode(String base64, String source) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " is not valid base64", e);
    }
    requireKeyLength(key, source);
    return key;
  }

  private static byte[] decrypt(SecretKey key, byte[] in, byte[] associatedData)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
    if (associatedData != null) {
      cipher.updateAAD(associatedData);
    }
    return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
  }

  private static byte[] concat(byte[] nonce, byte[] sealed) {
    byte[] out = new byte[nonce.length + sealed.length];
    System.arraycopy(nonce, 0, out, 0, nonce.length);
    System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
    return out;
  }

  /** Derives the key id with HMAC-SHA256, so that the id reveals nothing about the key. */
  private static Entry entry(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(KEY_ID_LABEL);
      String id = HexFormat.of().formatHex(digest, 0, 8);
      return new Entry(id, new SecretKeySpec(key, "AES"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  private static Entry configured(LifeboatProperties properties) {
    return entry(decode(properties.masterKey(), "lifeboat.master-key"));
  }

  private static List<Entry> loadFiles(Path dataDir) {
    Path file = dataDir.resolve(KEY_FILE);
    Path next = dataDir.resolve(NEXT_KEY_FILE);
    try {
      if (Files.exists(next) && !Files.exists(file)) {
        // A crash between the two renames of finishRotation: the old key is already retired.
        move(next, file);
        syncFolder(dataDir);
        log.info("Completed the last step of a master key rotation: renamed {} to {}", next, file);
      }
      if (!Files.exists(file)) {
        create(file);
      }
      List<Entry> loaded = new ArrayList<>();
      if (Files.exists(next)) {
        loaded.add(entry(decode(Files.readString(next), next.toString())));
      }
      loaded.add(entry(decode(Files.readString(file), file.toString())));
      return List.copyOf(loaded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    try {
      writeKeyFile(file, generate());
    } catch (FileAlreadyExistsException raced) {
      return;
    }
    log.warn(
        "Created master key file {} (mode 0600). Back it up now and keep the copy apart from the"
            + " database and blob backups: without this key no stored message can be read",
        file.toAbsolutePath());
  }

  /** Writes a new key file with mode 0600 and flushes it and its folder to disk. */
  private static void writeKeyFile(Path file, byte[] key) throws IOException {
    Files.createDirectories(file.getParent());
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(
          StandardCharsets.US_ASCII.encode(Base64.getEncoder().encodeToString(key) + "\n"));
      channel.force(true);
    }
    syncFolder(file.getParent());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data folder does not support atomic renames: " + from, e);
    }
  }

  private static void syncFolder(Path folder) throws IOException {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void requireKeyLength(byte[] key, String source) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          source + " must be base64 of 32 bytes (AES-256), but has " + key.length + " bytes");
    }
    // 32 random bytes take about 30 distinct values, and fewer than 16 practically never occur,
    // so such a key was typed or padded by hand, such as all zeros.
    long distinct = IntStream.range(0, key.length).map(i -> key[i]).distinct().count();
    if (distinct < MIN_DISTINCT_BYTES) {
      throw new IllegalArgumentException(
          source
              + " is not random: its 32 bytes take only "
              + distinct
              + " distinct values; generate one with 'openssl rand -base64 32'");
    }
  }
}
