package io.lifeboat.mailstore;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.subtle.Hkdf;
import io.lifeboat.crypto.MasterKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.springframework.stereotype.Component;

/**
 * Creates and opens the data keys of mailboxes (envelope encryption). Each mailbox has two Tink
 * keysets, one for raw messages and one for fields, stored encrypted under the {@link MasterKey}
 * with the mailbox's user id as associated data, so that a keyset row copied to another mailbox
 * does not open.
 */
@Component
public class MailboxKeys {

  static {
    try {
      AeadConfig.register();
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Both keysets of a mailbox, each encrypted under the master key. */
  public record WrappedKeys(byte[] rawMessageKeyset, byte[] fieldKeyset) {}

  private final Aead masterKey;

  public MailboxKeys(MasterKey masterKey) {
    this.masterKey = new MasterKeyAead(masterKey);
  }

  /** Generates fresh data keys for a mailbox. */
  public WrappedKeys generate(long userId) {
    try {
      KeysetHandle raw =
          KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
      KeysetHandle fields = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      return new WrappedKeys(
          TinkProtoKeysetFormat.serializeEncryptedKeyset(
              raw, masterKey, associatedData(userId, "raw")),
          TinkProtoKeysetFormat.serializeEncryptedKeyset(
              fields, masterKey, associatedData(userId, "fields")));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate data keys for mailbox " + userId, e);
    }
  }

  /**
   * Unwraps the data keys of a mailbox.
   *
   * @throws IllegalStateException when they were wrapped under another master key or altered
   */
  public MailboxCipher open(long userId, WrappedKeys keys) {
    try {
      KeysetHandle raw =
          TinkProtoKeysetFormat.parseEncryptedKeyset(
              keys.rawMessageKeyset(), masterKey, associatedData(userId, "raw"));
      KeysetHandle fields =
          TinkProtoKeysetFormat.parseEncryptedKeyset(
              keys.fieldKeyset(), masterKey, associatedData(userId, "fields"));
      return new MailboxCipher(
          userId,
          raw.getPrimitive(ConfigurationV0.get(), StreamingAead.class),
          fields.getPrimitive(ConfigurationV0.get(), Aead.class),
          searchKey(userId, fields));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot unwrap the data keys of mailbox "
              + userId
              + ": the master key differs from the one they were created with, or they were"
              + " altered",
          e);
    }
  }

  /**
   * Re-encrypts both keysets of a mailbox under the primary master key. The data keys inside stay
   * the same, so no message or field has to be re-encrypted.
   *
   * @throws GeneralSecurityException when no loaded master key opens the keysets
   */
  public WrappedKeys rewrap(long userId, WrappedKeys keys) throws GeneralSecurityException {
    KeysetHandle raw =
        TinkProtoKeysetFormat.parseEncryptedKeyset(
            keys.rawMessageKeyset(), masterKey, associatedData(userId, "raw"));
    KeysetHandle fields =
        TinkProtoKeysetFormat.parseEncryptedKeyset(
            keys.fieldKeyset(), masterKey, associatedData(userId, "fields"));
    return new WrappedKeys(
        TinkProtoKeysetFormat.serializeEncryptedKeyset(
            raw, masterKey, associatedData(userId, "raw")),
        TinkProtoKeysetFormat.serializeEncryptedKeyset(
            fields, masterKey, associatedData(userId, "fields")));
  }

  /**
   * Derives the mailbox's search key from the primary field key with HKDF-SHA256, bound to the user
   * id. Deriving it, rather than storing a fourth key, means that destroying the data keys destroys
   * the search key too.
   *
   * <p>NOTE: the search terms depend on the primary field key. Rotating that key would need an
   * index rebuild, and no code rotates it today.
   */
  private static byte[] searchKey(long userId, KeysetHandle fields)
      throws GeneralSecurityException {
    if (!(fields.getPrimary().getKey() instanceof AesGcmKey key)) {
      throw new GeneralSecurityException(
          "the field keyset of mailbox " + userId + " has no AES-GCM primary key");
    }
    byte[] keyBytes = key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
    byte[] info = ("lifeboat/search-terms/v1/user=" + userId).getBytes(StandardCharsets.UTF_8);
    return Hkdf.computeHkdf("HMACSHA256", keyBytes, new byte[0], info, 32);
  }

  private static byte[] associatedData(long userId, String keyset) {
    return ("lifeboat/mailbox-keyset/v1/user=" + userId + "/" + keyset)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Presents the master key to Tink as the {@link Aead} that encrypts keysets. */
  private record MasterKeyAead(MasterKey key) implements Aead {
    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
      return key.wrap(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
        throws GeneralSecurityException {
      return key.unwrap(ciphertext, associatedData);
    }
  }
}
