package io.lifeboat.mailstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.CharsetUtil;
import org.apache.james.mime4j.util.MimeParameterMapping;
import org.apache.james.mime4j.util.MimeUtil;
import org.jsoup.Jsoup;

/**
 * Collects {@link MessageMetadata} from mime4j's parse events: the envelope headers of the top
 * entity, a text sample of the first text body for the snippet, and every other leaf part as an
 * attachment. It also collects the search words of the envelope headers and of every text body,
 * reading each body once as a stream. One instance serves one message.
 */
final class MetadataCollector extends AbstractContentHandler {

  /** Caps that keep the stored metadata small for hostile messages. */
  private static final int MAX_ADDRESSES = 200;

  private static final int MAX_ATTACHMENTS = 500;
  private static final int MAX_REFERENCES = 100;
  private static final int MAX_SUBJECT_CHARS = 2_000;
  private static final int MAX_NAME_CHARS = 500;
  private static final RawFieldParser FIELD_PARSER = new RawFieldParser();

  private final List<MailAddress> from = new ArrayList<>();
  private final List<MailAddress> to = new ArrayList<>();
  private final List<MailAddress> cc = new ArrayList<>();
  private final List<MailAddress> bcc = new ArrayList<>();
  private final List<MailAddress> replyTo = new ArrayList<>();
  private final List<String> references = new ArrayList<>();
  private final List<AttachmentInfo> attachments = new ArrayList<>();
  private String subject;
  private Instant date;
  private String messageId;
  private String inReplyTo;
  private String plainSnippet;
  private String htmlSnippet;
  private boolean hasAttachments;
  private final SearchWords searchWords = new SearchWords();

  /** Header state of the entity being read: the top message or a body part. */
  private boolean topHeaderDone;

  private String disposition;

  /**
   * The part's file name. The Content-Disposition {@code filename} (RFC 2183) wins over the older
   * Content-Type {@code name}, whichever header comes first, so the two are kept apart until the
   * header ends.
   */
  private String fileName;

  private String dispositionFileName;
  private String typeName;
  private String contentId;

  /** One entry per open multipart: its subtype and the number of its parts seen so far. */
  private final Deque<Multipart> multiparts = new ArrayDeque<>();

  private static final class Multipart {
    final String subtype;
    int parts;

    Multipart(String subtype) {
      this.subtype = subtype;
    }
  }

  MessageMetadata metadata(boolean parsed) {
    String snippet = plainSnippet != null ? plainSnippet : htmlSnippet;
    return new MessageMetadata(
        from,
        to,
        cc,
        bcc,
        replyTo,
        subject,
        date,
        messageId,
        inReplyTo,
        references,
        hasAttachments,
        attachments,
        snippet,
        parsed);
  }

  /** Returns the distinct search words of the headers and text bodies read so far. */
  Set<String> searchWords() {
    return searchWords.words();
  }

  @Override
  public void startHeader() {
    disposition = null;
    fileName = null;
    dispositionFileName = null;
    typeName = null;
    contentId = null;
  }

  @Override
  public void field(Field field) {
    String name = field.getName().toLowerCase(Locale.ROOT);
    if (!topHeaderDone) {
      envelopeField(name, field);
    }
    switch (name) {
      case "content-disposition" -> {
        RawBody body = rawBody(field);
        disposition = body.getValue().toLowerCase(Locale.ROOT);
        dispositionFileName = firstNonBlank(dispositionFileName, parameter(body, "filename"));
      }
      case "content-type" -> typeName = firstNonBlank(typeName, parameter(rawBody(field), "name"));
      case "content-id" -> contentId = unfolded(field).trim();
      default -> {}
    }
  }

  @Override
  public void endHeader() {
    if (!topHeaderDone) {
      addHeaderSearchWords();
    }
    topHeaderDone = true;
    fileName = firstNonBlank(dispositionFileName, typeName);
  }

  @Override
  public void startMultipart(BodyDescriptor descriptor) {
    multiparts.push(new Multipart(descriptor.getSubType()));
  }

  @Override
  public void endMultipart() {
    multiparts.pop();
  }

  @Override
  public void startBodyPart() {
    Multipart parent = multiparts.peek();
    if (parent != null) {
      parent.parts++;
    }
  }

  @Override
  public void body(BodyDescriptor descriptor, InputStream content) throws IOException {
    String mimeType = descriptor.getMimeType().toLowerCase(Locale.ROOT);
    boolean declaredAttachment = "attachment".equals(disposition);
    boolean textBody =
        ("text/plain".equals(mimeType) || "text/html".equals(mimeType))
            && !declaredAttachment
            && fileName == null;

    if (textBody) {
      readTextBody(content, descriptor.getCharset(), "text/html".equals(mimeType));
      // Further text bodies (the other half of an alternative, a footer) are not attachments.
      return;
    }

    Multipart parent = multiparts.peek();
    boolean embeddedResource =
        parent != null
            && "related".equalsIgnoreCase(parent.subtype)
            && contentId != null
            && !declaredAttachment;
    // Another rendering of the body, such as text/watch-html or text/enriched, is no attachment.
    boolean alternativeBody =
        parent != null
            && "alternative".equalsIgnoreCase(parent.subtype)
            && fileName == null
            && !declaredAttachment;
    if (embeddedResource || alternativeBody) {
      return;
    }

    hasAttachments = true;
    long size = content.transferTo(OutputStream.nullOutputStream());
    if (attachments.size() < MAX_ATTACHMENTS) {
      attachments.add(new AttachmentInfo(fileName, mimeType, size, partPath()));
    }
  }

  /**
   * Reads a text body once: its first {@link MessageParser#TEXT_SAMPLE_BYTES} bytes make the
   * snippet if none is set yet, and the whole body is streamed into the search words.
   */
  private void readTextBody(InputStream content, String charsetName, boolean html)
      throws IOException {
    byte[] sample = content.readNBytes(MessageParser.TEXT_SAMPLE_BYTES);
    if (!html && plainSnippet == null) {
      plainSnippet = snippet(decodeSample(sample, charsetName), false);
    }
    if (html && htmlSnippet == null) {
      htmlSnippet = snippet(decodeSample(sample, charsetName), true);
    }
    Charset charset = charsetName == null ? null : CharsetUtil.lookup(charsetName);
    if (charset == null || charset.equals(StandardCharsets.US_ASCII)) {
      // Undeclared 8-bit text is most often UTF-8, and undecodable bytes only split words.
      charset = StandardCharsets.UTF_8;
    }
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(sample), content);
    searchWords.add(new InputStreamReader(whole, charset), html);
  }

  private void addHeaderSearchWords() {
    searchWords.add(subject);
    for (List<MailAddress> list : List.of(from, to, cc, bcc)) {
      for (MailAddress address : list) {
        searchWords.add(address.name());
        searchWords.add(address.address());
      }
    }
  }

  private void envelopeField(String name, Field field) {
    switch (name) {
      case "from" -> addresses(field, from);
      case "to" -> addresses(field, to);
      case "cc" -> addresses(field, cc);
      case "bcc" -> addresses(field, bcc);
      case "reply-to" -> addresses(field, replyTo);
      case "subject" -> subject = subject == null ? decodedText(field, MAX_SUBJECT_CHARS) : subject;
      case "date" -> date = date == null ? parseDate(field) : date;
      case "message-id" -> messageId = messageId == null ? firstId(field) : messageId;
      case "in-reply-to" -> inReplyTo = inReplyTo == null ? firstId(field) : inReplyTo;
      case "references" ->
          references.addAll(
              MessageParser.messageIds(unfolded(field), MAX_REFERENCES - references.size()));
      default -> {}
    }
  }

  private void addresses(Field field, List<MailAddress> target) {
    String text = HeaderText.withoutEncodedWordLanguage(unfolded(field));
    AddressList list = LenientAddressParser.DEFAULT.parseAddressList(text);
    for (Address address : list) {
      if (address instanceof Mailbox mailbox) {
        add(target, mailbox, text);
      } else if (address instanceof Group group) {
        group.getMailboxes().forEach(m -> add(target, m, text));
      }
    }
    if (list.isEmpty() && !text.isBlank() && target.size() < MAX_ADDRESSES) {
      // Not parseable as addresses: keep the decoded text as a name, so the sender still shows.
      target.add(new MailAddress(decodedText(field, MAX_NAME_CHARS), null));
    }
  }

  private static void add(List<MailAddress> target, Mailbox mailbox, String headerText) {
    if (target.size() >= MAX_ADDRESSES) {
      return;
    }
    String name = HeaderText.normalize(mailbox.getName(), MAX_NAME_CHARS);
    String address = HeaderText.completeAddress(mailbox.getAddress(), headerText);
    target.add(new MailAddress(name == null || name.isEmpty() ? null : name, address));
  }

  /**
   * Decodes RFC 2047 encoded words. NOTE: mime4j decodes each encoded word on its own, so a
   * multi-byte character that a sender split across two words shows as U+FFFD.
   */
  private static String decodedText(Field field, int maxChars) {
    String text = HeaderText.withoutEncodedWordLanguage(unfolded(field));
    return HeaderText.normalize(
        DecoderUtil.decodeEncodedWords(text, DecodeMonitor.SILENT), maxChars);
  }

  private static Instant parseDate(Field field) {
    RawField raw = new RawField("Date", unfolded(field));
    Date parsed = DateTimeFieldLenientImpl.PARSER.parse(raw, DecodeMonitor.SILENT).getDate();
    return parsed == null ? null : parsed.toInstant();
  }

  private static String firstId(Field field) {
    List<String> ids = MessageParser.messageIds(unfolded(field), 1);
    if (!ids.isEmpty()) {
      return ids.getFirst();
    }
    String text = HeaderText.normalize(unfolded(field), 998);
    return text.isEmpty() ? null : text;
  }

  /**
   * Returns the unfolded field body. mime4j decodes raw 8-bit header bytes as UTF-8 and replaces
   * what is not UTF-8; this re-reads such bytes as windows-1252 instead, so that legacy unlabelled
   * headers keep their letters.
   */
  private static String unfolded(Field field) {
    String body = field.getBody();
    ByteSequence raw = field.getRaw();
    if (raw != null) {
      byte[] bytes = raw.toByteArray();
      int colon = 0;
      while (colon < bytes.length && bytes[colon] != ':') {
        colon++;
      }
      if (colon < bytes.length) {
        int start = colon + 1;
        body = HeaderText.decodeUtf8Strictly(bytes, start, bytes.length - start).stripLeading();
      }
    }
    return body == null ? "" : MimeUtil.unfold(body);
  }

  private static RawBody rawBody(Field field) {
    return FIELD_PARSER.parseRawBody(new RawField(field.getName(), unfolded(field)));
  }

  /**
   * Returns a parameter decoded per RFC 2231 (charset, language and continuations), and then per
   * RFC 2047, which many mailers use for file names although that RFC forbids it there.
   */
  private static String parameter(RawBody body, String name) {
    MimeParameterMapping mapping = new MimeParameterMapping();
    for (NameValuePair pair : body.getParams()) {
      mapping.addParameter(pair.getName(), pair.getValue());
    }
    String value = mapping.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    String decoded =
        DecoderUtil.decodeEncodedWords(HeaderText.repair8bit(value), DecodeMonitor.SILENT);
    String normalized = HeaderText.normalize(decoded, MAX_NAME_CHARS);
    return normalized.isEmpty() ? null : normalized;
  }

  private static String firstNonBlank(String first, String second) {
    return first != null ? first : second;
  }

  private String partPath() {
    if (multiparts.isEmpty()) {
      return "1";
    }
    StringBuilder path = new StringBuilder();
    multiparts
        .descendingIterator()
        .forEachRemaining(m -> path.append(path.isEmpty() ? "" : ".").append(m.parts));
    return path.toString();
  }

  private static String decodeSample(byte[] sample, String charsetName) {
    Charset charset = charsetName == null ? null : CharsetUtil.lookup(charsetName);
    if (charset == null || charset.equals(StandardCharsets.US_ASCII)) {
      // Unknown or missing labels, and "us-ascii" on 8-bit text, are common: guess instead.
      int length =
          sample.length == MessageParser.TEXT_SAMPLE_BYTES ? utf8Boundary(sample) : sample.length;
      return HeaderText.decodeUtf8Strictly(sample, 0, length);
    }
    return new String(sample, charset);
  }

  /** Returns the length of {@code bytes} without a UTF-8 sequence cut off at its end. */
  static int utf8Boundary(byte[] bytes) {
    for (int back = 1; back <= 4 && back <= bytes.length; back++) {
      int lead = bytes[bytes.length - back] & 0xFF;
      if ((lead & 0xC0) == 0x80) {
        continue;
      }
      int sequence = 1;
      if (lead >= 0xF0) {
        sequence = 4;
      } else if (lead >= 0xE0) {
        sequence = 3;
      } else if (lead >= 0xC0) {
        sequence = 2;
      }
      return sequence > back ? bytes.length - back : bytes.length;
    }
    return bytes.length;
  }

  private static String snippet(String text, boolean html) {
    String plain = html ? Jsoup.parse(text).text() : text;
    return HeaderText.normalize(plain, MessageParser.SNIPPET_CHARS);
  }
}
