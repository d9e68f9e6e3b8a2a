package io.lifeboat.webmail;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Builds the MIME message of a {@link Composition} with Angus Mail: From is always the signed-in
 * user, the text is a UTF-8 text/plain part, and attachments are streamed from their source while
 * the message is written, so a large attachment is never held in memory.
 */
final class MessageComposer {

  /**
   * Headers left out of the copy handed to the delivery queue: Bcc (RFC 5322, section 3.6.3) and
   * Content-Length, which is no Internet message header.
   */
  static final String[] NOT_TRANSMITTED = {"Bcc", "Content-Length"};

  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");

  /** Base64 turns 3 bytes into 4 and adds CRLF after every 76 characters. */
  private static final double BASE64_GROWTH = 4.0 / 3.0 * 78.0 / 76.0;

  /** A generous estimate of one attachment's part headers and boundary line. */
  private static final int PART_OVERHEAD = 512;

  private final String hostname;
  private final Clock clock;
  private final Session session;
  private final SecureRandom random = new SecureRandom();

  MessageComposer(String hostname, Clock clock) {
    this.hostname = hostname;
    this.clock = clock;
    Properties properties = new Properties();
    properties.setProperty("mail.mime.encodeparameters", "true");
    this.session = Session.getInstance(properties);
  }

  /**
   * Builds the message. With {@code draft} true, it also records the stored message it replies to
   * or forwards in {@link RawParts#ORIGINAL_HEADER}, so that reopening the draft restores it.
   */
  MimeMessage build(WebmailUser sender, Composition composition, boolean draft)
      throws MessagingException {
    MimeMessage message = new ComposedMessage(session, newMessageId());
    message.setFrom(fromAddress(sender));
    message.setRecipients(RecipientType.TO, composition.to().toArray(InternetAddress[]::new));
    if (!composition.cc().isEmpty()) {
      message.setRecipients(RecipientType.CC, composition.cc().toArray(InternetAddress[]::new));
    }
    if (!composition.bcc().isEmpty()) {
      message.setRecipients(RecipientType.BCC, composition.bcc().toArray(InternetAddress[]::new));
    }
    message.setSubject(composition.subject(), "UTF-8");
    message.setSentDate(Date.from(clock.instant()));
    if (composition.inReplyTo() != null) {
      message.setHeader("In-Reply-To", composition.inReplyTo());
    }
    if (!composition.references().isEmpty()) {
      message.setHeader(
          "References", MimeUtility.fold(12, String.join(" ", composition.references())));
    }
    if (draft && composition.original() != null) {
      message.setHeader(RawParts.ORIGINAL_HEADER, Long.toString(composition.original()));
    }

    String text = crlf(composition.body());
    if (composition.attachments().isEmpty()) {
      message.setText(text, "UTF-8");
    } else {
      MimeMultipart mixed = new MimeMultipart("mixed");
      MimeBodyPart textPart = new MimeBodyPart();
      textPart.setText(text, "UTF-8");
      mixed.addBodyPart(textPart);
      for (Composition.Attachment attachment : composition.attachments()) {
        mixed.addBodyPart(attachmentPart(attachment));
      }
      message.setContent(mixed);
    }
    message.saveChanges();
    return message;
  }

  /** Returns From: the user's primary address with the display name from the directory. */
  static InternetAddress fromAddress(WebmailUser sender) {
    try {
      String name = sender.displayName();
      return name == null || name.isBlank()
          ? new InternetAddress(sender.email())
          : new InternetAddress(sender.email(), name, StandardCharsets.UTF_8.name());
    } catch (UnsupportedEncodingException | jakarta.mail.internet.AddressException e) {
      throw new IllegalStateException("the directory address " + sender.email() + " is invalid", e);
    }
  }

  /**
   * Returns an upper estimate of the message size in bytes: headers and text plus each attachment
   * in base64. Used to reject a message over the size limit before it is built.
   */
  static long estimatedSize(Composition composition) {
    long size = 4096 + 3L * composition.body().length() + 3L * composition.subject().length();
    for (var address : composition.recipients()) {
      size += address.length() + 4;
    }
    for (Composition.Attachment attachment : composition.attachments()) {
      size += (long) Math.ceil(attachment.size() * BASE64_GROWTH) + PART_OVERHEAD;
    }
    return size;
  }

  /** Returns a media type that is safe to put into a header, or application/octet-stream. */
  static String safeMediaType(String contentType) {
    if (contentType == null) {
      return "application/octet-stream";
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return MEDIA_TYPE.matcher(type).matches() ? type : "application/octet-stream";
  }

  private MimeBodyPart attachmentPart(Composition.Attachment attachment) throws MessagingException {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new StreamedSource(attachment)));
    part.setDisposition(Part.ATTACHMENT);
    part.setFileName(attachment.name());
    // Set here so that Angus does not read the whole attachment to choose an encoding.
    part.setHeader("Content-Transfer-Encoding", "base64");
    return part;
  }

  private String newMessageId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return "<" + HexFormat.of().formatHex(id) + "@" + hostname + ">";
  }

  /** Returns the text with CRLF line endings, whatever the browser sent. */
  static String crlf(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
  }

  /** A message whose Message-ID is chosen here, with the Lifeboat host name on the right. */
  private static final class ComposedMessage extends MimeMessage {
    private final String messageId;

    ComposedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

  /** An attachment as Angus reads it: opened again for each write. */
  private record StreamedSource(Composition.Attachment attachment) implements DataSource {
    @Override
    public InputStream getInputStream() throws IOException {
      return attachment.content().open();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      throw new IOException("attachments are read-only");
    }

    @Override
    public String getContentType() {
      return safeMediaType(attachment.contentType());
    }

    @Override
    public String getName() {
      return attachment.name();
    }
  }
}
