package io.lifeboat.delivery;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Queue ids: 20 characters of {@code [0-9A-Z]}, the first 10 from the time of receipt in
 * milliseconds and the other 10 random (50 bits), so that ids sort roughly by arrival and never
 * repeat across nodes or reinstalls.
 */
public final class QueueIds {

  private static final Pattern VALID = Pattern.compile("[0-9A-Z]{20}");
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private QueueIds() {}

  public static String next(long epochMillis) {
    char[] id = new char[20];
    long time = epochMillis;
    for (int i = 9; i >= 0; i--) {
      id[i] = DIGITS[(int) (time & 31)];
      time >>>= 5;
    }
    long random = RANDOM.nextLong();
    for (int i = 10; i < 20; i++) {
      id[i] = DIGITS[(int) (random & 31)];
      random >>>= 5;
    }
    return new String(id);
  }

  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }
}
