package io.lifeboat.mailstore;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Clean-up of header text that mime4j hands over as one character per raw byte. */
final class HeaderText {

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private HeaderText() {}

  /**
   * Re-reads raw 8-bit header bytes: as UTF-8 when they are valid UTF-8 (RFC 6532), otherwise as
   * windows-1252, the most common legacy charset of unlabelled headers. Text that is pure ASCII or
   * already contains characters beyond one byte is returned unchanged.
   */
  static String repair8bit(String text) {
    if (text == null) {
      return null;
    }
    boolean eightBit = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        return text;
      }
      eightBit |= c >= 0x80;
    }
    if (!eightBit) {
      return text;
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return decodeUtf8Strictly(bytes, 0, bytes.length);
  }

  /** Decodes strict UTF-8, or windows-1252 when the bytes are not valid UTF-8. */
  static String decodeUtf8Strictly(byte[] bytes, int offset, int length) {
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes, offset, length));
      return chars.toString();
    } catch (CharacterCodingException notUtf8) {
      return new String(bytes, offset, length, WINDOWS_1252);
    }
  }

  /**
   * Replaces control characters and runs of whitespace by one space, trims, and cuts the result to
   * {@code maxChars} characters without splitting a surrogate pair. Returns null for null.
   */
  static String normalize(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars));
    boolean pendingSpace = false;
    for (int i = 0; i < text.length() && out.length() < maxChars; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u00A0') {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.append(c);
    }
    if (out.length() > maxChars) {
      out.setLength(maxChars);
    }
    if (!out.isEmpty() && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
      out.setLength(out.length() - 1);
    }
    return out.toString();
  }
}
