package io.lifeboat.mailstore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Splits an mbox file into its messages. A message starts after a line that starts with {@code From
 * } and ends before the next such line. When its header has a Content-Length that ends exactly at a
 * {@code From } line or at the end of the file, that length is used instead, because such files do
 * not escape {@code From } lines inside bodies.
 */
final class MboxSplitter {

  private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

  private MboxSplitter() {}

  static List<byte[]> split(byte[] mbox) {
    int start = startsWith(mbox, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}) ? 3 : 0;
    List<byte[]> messages = new ArrayList<>();
    int at = start;
    while (at < mbox.length && startsWith(mbox, at, FROM)) {
      int messageStart = lineEnd(mbox, at);
      int messageEnd = endByContentLength(mbox, messageStart);
      if (messageEnd < 0) {
        messageEnd = nextFromLine(mbox, messageStart);
      }
      messages.add(Arrays.copyOfRange(mbox, messageStart, messageEnd));
      at = skipNewlines(mbox, messageEnd);
    }
    return messages;
  }

  private static int endByContentLength(byte[] mbox, int messageStart) {
    int headerEnd = headerEnd(mbox, messageStart);
    if (headerEnd < 0) {
      return -1;
    }
    String header =
        new String(mbox, messageStart, headerEnd - messageStart, StandardCharsets.ISO_8859_1);
    for (String line : header.split("\r?\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        try {
          long length = Long.parseLong(line.substring(15).trim());
          long end = headerEnd + length;
          if (end == mbox.length) {
            return (int) end;
          }
          if (end < mbox.length && startsWith(mbox, skipNewlines(mbox, (int) end), FROM)) {
            return (int) end;
          }
        } catch (NumberFormatException ignored) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Returns the offset just past the empty line that ends the header, or -1. */
  private static int headerEnd(byte[] mbox, int from) {
    for (int i = from; i < mbox.length; i = lineEnd(mbox, i)) {
      if (mbox[i] == '\n') {
        return i + 1;
      }
      if (mbox[i] == '\r' && i + 1 < mbox.length && mbox[i + 1] == '\n') {
        return i + 2;
      }
    }
    return -1;
  }

  private static int nextFromLine(byte[] mbox, int from) {
    for (int i = from; i < mbox.length; i = lineEnd(mbox, i)) {
      if (startsWith(mbox, i, FROM)) {
        return i;
      }
    }
    return mbox.length;
  }

  private static int lineEnd(byte[] mbox, int from) {
    for (int i = from; i < mbox.length; i++) {
      if (mbox[i] == '\n') {
        return i + 1;
      }
    }
    return mbox.length;
  }

  private static int skipNewlines(byte[] mbox, int from) {
    int i = from;
    while (i < mbox.length && (mbox[i] == '\n' || mbox[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
    if (at + prefix.length > bytes.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
