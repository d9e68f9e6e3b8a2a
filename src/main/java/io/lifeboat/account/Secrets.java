package io.lifeboat.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random tokens and secrets, and the SHA-256 digests under which they are stored. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final char[] ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Secrets() {}

  /** Returns {@code length} characters of {@code [a-z0-9]}; 32 of them carry 165 bits. */
  public static String lowerAlphanumeric(int length) {
    return random(LOWER_ALNUM, length);
  }

  /** Returns {@code length} characters of {@code [A-Za-z0-9]}; 32 of them carry 190 bits. */
  public static String alphanumeric(int length) {
    return random(ALNUM, length);
  }

  /** Returns the lower-case hex SHA-256 of a secret's UTF-8 bytes. */
  public static String sha256(String secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Compares two digests in time independent of where they differ. */
  public static boolean digestsEqual(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static String random(char[] alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
    }
    return new String(out);
  }
}
