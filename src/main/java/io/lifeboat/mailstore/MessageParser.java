package io.lifeboat.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.springframework.stereotype.Component;

/**
 * Reads the metadata and the search words of a raw message in one streaming pass with mime4j. No
 * body is held in memory beyond the first {@value #TEXT_SAMPLE_BYTES} bytes of a text part, and the
 * words are capped per message, so the heap needed does not grow with the message size.
 *
 * <p>Malformed content does not make {@link #parse} throw. Input that breaks mime4j's limits or
 * makes mime4j or the collector throw yields the metadata read up to that point with {@code parsed}
 * false. Only an I/O failure of the stream itself is thrown.
 */
@Component
public class MessageParser {

  /** Maximum length of the stored snippet, in characters. */
  public static final int SNIPPET_CHARS = 256;

  /** Bytes of a text part read for the snippet, enough for HTML whose text follows its markup. */
  static final int TEXT_SAMPLE_BYTES = 64 * 1024;

  /**
   * mime4j limits. Lines may be of any length, because real mail has multi-kilobyte header lines
   * and bodies without line breaks. Memory stays bounded by the limits on one header field (1 MiB)
   * and on all header fields of a message (16 MiB).
   */
  private static final MimeConfig CONFIG =
      MimeConfig.custom()
          .setMaxLineLen(-1)
          .setMaxHeaderCount(10_000)
          .setMaxHeaderLen(1024 * 1024)
          .setMaxTotalHeaderCount(100_000)
          .setMaxTotalHeaderLen(16L * 1024 * 1024)
          .setMaxContentLen(-1)
          .setMaxPartCount(10_000)
          .setMaxNestingDepth(100)
          .build();

  /**
   * The outcome of one parse; {@code failure} names the exception type when parsing stopped, and
   * {@code searchWords} are the distinct words of the envelope headers and text bodies (see {@link
   * SearchWords}).
   */
  public record Result(MessageMetadata metadata, String failure, Set<String> searchWords) {
    public boolean parsed() {
      return failure == null;
    }
  }

  /**
   * Parses the message read from {@code raw} and consumes the stream only as far as mime4j needs;
   * the caller drains the rest if it copies the stream.
   *
   * @throws IOException only when reading {@code raw} itself fails
   */
  public Result parse(InputStream raw) throws IOException {
    MetadataCollector collector = new MetadataCollector();
    BodyDescriptorBuilder bodyDescriptors = new DefaultBodyDescriptorBuilder();
    MimeStreamParser parser = new MimeStreamParser(CONFIG, DecodeMonitor.SILENT, bodyDescriptors);
    parser.setContentDecoding(true);
    // Attached messages stay opaque parts: their headers are not this message's metadata.
    parser.setNoRecurse();
    parser.setContentHandler(collector);
    String failure = null;
    try {
      parser.parse(raw);
    } catch (MimeException | MimeIOException | RuntimeException e) {
      failure = e.getClass().getSimpleName();
    }
    return new Result(collector.metadata(failure == null), failure, collector.searchWords());
  }

  static List<String> messageIds(String text, int max) {
    List<String> ids = new ArrayList<>();
    if (text == null) {
      return ids;
    }
    int at = 0;
    while (ids.size() < max) {
      int open = text.indexOf('<', at);
      if (open < 0) {
        break;
      }
      int close = text.indexOf('>', open + 1);
      if (close < 0) {
        break;
      }
      String id = text.substring(open, close + 1);
      if (id.length() > 2 && id.length() <= 998 && id.chars().noneMatch(Character::isWhitespace)) {
        ids.add(id);
      }
      at = close + 1;
    }
    return ids;
  }
}
