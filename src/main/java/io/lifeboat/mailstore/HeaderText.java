package io.lifeboat.mailstore;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.james.mime4j.util.CharsetUtil;

/** Clean-up of header text that mime4j hands over as one character per raw byte. */
final class HeaderText {

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
  private static final Pattern ENCODED_WORD_LANGUAGE =
      Pattern.compile("=\\?([^?*\\s]+)\\*[A-Za-z0-9-]*\\?");
  private static final String ADDRESS_DELIMITERS = ">,;) \t\r\n\"";

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
   * Removes the RFC 2231 language tag from encoded words ({@code =?utf-8*de?Q?...?=} becomes {@code
   * =?utf-8?Q?...?=}), which mime4j's decoder does not accept.
   */
  static String withoutEncodedWordLanguage(String text) {
    return text.indexOf('*') < 0 ? text : ENCODED_WORD_LANGUAGE.matcher(text).replaceAll("=?$1?");
  }

  /**
   * Returns {@code address} extended by the characters that follow it in the header text up to the
   * next delimiter. mime4j's address parser ends a domain at its first non-ASCII character, so an
   * internationalized domain (RFC 6532) such as {@code università.it} comes back cut short.
   */
  static String completeAddress(String address, String headerText) {
    if (address == null || CharsetUtil.isASCII(headerText)) {
      return address;
    }
    int start = headerText.indexOf(address);
    if (start < 0) {
      return address;
    }
    int end = start + address.length();
    while (end < headerText.length() && ADDRESS_DELIMITERS.indexOf(headerText.charAt(end)) < 0) {
      end++;
    }
    return headerText.substring(start, end);
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
