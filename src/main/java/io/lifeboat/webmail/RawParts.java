package io.lifeboat.webmail;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.CharsetUtil;
import org.jsoup.Jsoup;

/**
 * Reads single parts of a raw message with mime4j's streaming parser, so that a large attachment is
 * decoded while it is copied and never held in memory. Parts are numbered as the mailstore numbers
 * attachments: the parts of a multipart are 1, 2, ..., a part inside part 2 is 2.1, the body of a
 * message that is no multipart is 1, and an attached message/rfc822 is one part.
 */
final class RawParts {

  /** The text of a message for quoting or for reopening a draft. */
  record Text(String text, String composeOriginal) {}

  /** Header of a draft that names the message it replies to or forwards. */
  static final String ORIGINAL_HEADER = "X-Lifeboat-Original";

  private static final MimeConfig CONFIG =
      MimeConfig.custom()
          .setMaxLineLen(-1)
          .setMaxHeaderLen(-1)
          .setMaxHeaderCount(-1)
          .setMaxContentLen(-1)
          .build();

  private RawParts() {}

  /**
   * Returns the decoded content of the part at {@code path}, positioned inside {@code raw}. Closing
   * the returned stream closes {@code raw}. Returns null, after closing {@code raw}, when the
   * message has no such part.
   */
  static InputStream openPart(InputStream raw, String path) throws IOException {
    Walker walker = new Walker(raw);
    try {
      while (walker.next()) {
        if (walker.state() == EntityState.T_BODY && walker.path().equals(path)) {
          return new FilterInputStream(walker.tokens.getDecodedInputStream()) {
            @Override
            public void close() throws IOException {
              raw.close();
            }
          };
        }
      }
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
    raw.close();
    return null;
  }

  /**
   * Reads the first text body that is no attachment: text/plain as it is, or else text/html as
   * plain text. At most {@code maxChars} characters are returned. Also returns the value of {@link
   * #ORIGINAL_HEADER} in the top header, or null. Closes {@code raw}.
   */
  static Text readText(InputStream raw, int maxChars) throws IOException {
    try (raw) {
      Walker walker = new Walker(raw);
      String original = null;
      String html = null;
      boolean topHeader = true;
      while (walker.next()) {
        EntityState state = walker.state();
        if (state == EntityState.T_FIELD && topHeader) {
          Field field = walker.tokens.getField();
          if (ORIGINAL_HEADER.equalsIgnoreCase(field.getName())) {
            original = field.getBody() == null ? null : field.getBody().trim();
          }
        } else if (state == EntityState.T_END_HEADER) {
          topHeader = false;
        } else if (state == EntityState.T_BODY && !walker.attachment) {
          BodyDescriptor body = walker.tokens.getBodyDescriptor();
          String type = body.getMimeType().toLowerCase(Locale.ROOT);
          if (type.equals("text/plain")) {
            return new Text(read(walker.tokens.getDecodedInputStream(), body, maxChars), original);
          }
          if (type.equals("text/html") && html == null) {
            html = read(walker.tokens.getDecodedInputStream(), body, maxChars * 4);
          }
        }
      }
      String text = html == null ? "" : Jsoup.parse(html).wholeText().strip();
      return new Text(truncate(text, maxChars), original);
    }
  }

  private static String read(InputStream decoded, BodyDescriptor body, int maxChars)
      throws IOException {
    Charset charset = body.getCharset() == null ? null : CharsetUtil.lookup(body.getCharset());
    byte[] bytes = decoded.readNBytes(maxChars * 4);
    String text =
        new String(
            bytes,
            charset == null || charset.equals(StandardCharsets.US_ASCII)
                ? StandardCharsets.UTF_8
                : charset);
    return truncate(text, maxChars);
  }

  private static String truncate(String text, int maxChars) {
    return text.length() <= maxChars ? text : text.substring(0, maxChars);
  }

  /** Steps through the entities and keeps the part number and disposition of the current one. */
  private static final class Walker {
    private final MimeTokenStream tokens =
        new MimeTokenStream(CONFIG, DecodeMonitor.SILENT, new DefaultBodyDescriptorBuilder());
    private final Deque<int[]> multiparts = new ArrayDeque<>();
    private boolean attachment;

    Walker(InputStream raw) {
      tokens.setRecursionMode(RecursionMode.M_NO_RECURSE);
      tokens.parse(raw);
    }

    boolean next() throws IOException {
      EntityState state;
      try {
        state = tokens.next();
      } catch (MimeException e) {
        throw new IOException("the message is malformed: " + e.getMessage(), e);
      }
      switch (state) {
        case T_START_MULTIPART -> multiparts.push(new int[] {0});
        case T_END_MULTIPART -> multiparts.pop();
        case T_START_BODYPART -> {
          if (!multiparts.isEmpty()) {
            multiparts.peek()[0]++;
          }
        }
        case T_START_HEADER -> attachment = false;
        case T_FIELD -> {
          Field field = tokens.getField();
          if ("Content-Disposition".equalsIgnoreCase(field.getName())
              && field.getBody() != null
              && field.getBody().trim().toLowerCase(Locale.ROOT).startsWith("attachment")) {
            attachment = true;
          }
        }
        default -> {}
      }
      return state != EntityState.T_END_OF_STREAM;
    }

    EntityState state() {
      return tokens.getState();
    }

    String path() {
      if (multiparts.isEmpty()) {
        return "1";
      }
      StringBuilder path = new StringBuilder();
      multiparts
          .descendingIterator()
          .forEachRemaining(m -> path.append(path.isEmpty() ? "" : ".").append(m[0]));
      return path.toString();
    }
  }
}
