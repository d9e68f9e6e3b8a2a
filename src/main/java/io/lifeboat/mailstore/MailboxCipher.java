package io.lifeboat.mailstore;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.StreamingAead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The unwrapped data keys of one mailbox: AES-256-GCM-HKDF streaming encryption in 1 MiB segments
 * for raw messages, and AES-256-GCM for metadata and folder names.
 *
 * <p>Every ciphertext is bound by its associated data to the mailbox and, for messages, to the blob
 * key, which is unique per message. A ciphertext copied into another row, another mailbox or under
 * another blob key therefore fails to decrypt instead of showing the wrong content.
 *
 * <p>Search terms are keyed hashes (HMAC-SHA256) under a third key that is derived from the field
 * key with HKDF, so they are equal only within one mailbox and cannot be computed without its data
 * key.
 */
public final class MailboxCipher {

  private final long userId;
  private final StreamingAead rawMessages;
  private final Aead fields;
  private final SecretKeySpec searchKey;

  MailboxCipher(long userId, StreamingAead rawMessages, Aead fields, byte[] searchKey) {
    this.userId = userId;
    this.rawMessages = rawMessages;
    this.fields = fields;
    this.searchKey = new SecretKeySpec(searchKey, "HmacSHA256");
  }

  public long userId() {
    return userId;
  }

  /** Returns a stream that encrypts what is written to it into {@code ciphertext}. */
  OutputStream encryptingStream(OutputStream ciphertext, String blobKey) throws IOException {
    try {
      return rawMessages.newEncryptingStream(ciphertext, associatedData("raw", blobKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start encrypting blob " + blobKey, e);
    }
  }

  /**
   * Returns a stream of the plaintext of {@code ciphertext}. A tampered or foreign segment makes a
   * read fail with an {@link IOException}; the stream never returns unauthenticated bytes.
   */
  InputStream decryptingStream(InputStream ciphertext, String blobKey) throws IOException {
    try {
      return rawMessages.newDecryptingStream(ciphertext, associatedData("raw", blobKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start decrypting blob " + blobKey, e);
    }
  }

  byte[] encryptMetadata(byte[] plaintext, String blobKey) {
    return encrypt(plaintext, associatedData("metadata", blobKey));
  }

  byte[] decryptMetadata(byte[] ciphertext, String blobKey) {
    return decrypt(ciphertext, associatedData("metadata", blobKey), "metadata of blob " + blobKey);
  }

  byte[] encryptFolderName(String name) {
    return encrypt(name.getBytes(StandardCharsets.UTF_8), associatedData("folder-name", ""));
  }

  String decryptFolderName(byte[] ciphertext) {
    // NOTE: folder ids are assigned on insert, so a name is bound to its mailbox but not to its
    // folder row. Swapping the name ciphertexts of two folders of one mailbox goes unnoticed.
    byte[] plain = decrypt(ciphertext, associatedData("folder-name", ""), "folder name");
    return new String(plain, StandardCharsets.UTF_8);
  }

  /**
   * Returns the search term of each word: the first 8 bytes of HMAC-SHA256 over the word's UTF-8
   * bytes, as a signed long in the order of {@code words}. Two distinct words of one mailbox share
   * a term with a probability of about 2^-64 per pair, which at worst adds a wrong search hit.
   */
  long[] searchTerms(Collection<String> words) {
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(searchKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available for mailbox " + userId, e);
    }
    long[] terms = new long[words.size()];
    int i = 0;
    for (String word : words) {
      terms[i++] = ByteBuffer.wrap(mac.doFinal(word.getBytes(StandardCharsets.UTF_8))).getLong();
    }
    return terms;
  }

  private byte[] associatedData(String purpose, String blobKey) {
    String text = "lifeboat/mailstore/v1/user=" + userId + "/" + purpose + "/" + blobKey;
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    try {
      return fields.encrypt(plaintext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed for mailbox " + userId, e);
    }
  }

  private byte[] decrypt(byte[] ciphertext, byte[] associatedData, String description) {
    try {
      return fields.decrypt(ciphertext, associatedData);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot decrypt the " + description + " of mailbox " + userId + ": altered or moved data",
          e);
    }
  }
}
