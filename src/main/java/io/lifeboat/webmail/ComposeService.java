package io.lifeboat.webmail;

import io.lifeboat.delivery.Envelope;
import io.lifeboat.delivery.MessageQueue;
import io.lifeboat.delivery.Origin;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.AttachmentInfo;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageFlag;
import io.lifeboat.mailstore.StoredMessage;
import io.lifeboat.smtp.SmtpProperties;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

/**
 * Saves drafts and sends mail written in the webmail. A sent message goes to the delivery queue
 * with the user's primary address as envelope sender, so routing decides per recipient (standby
 * Inbox, primary server or the outside world), and a copy with the Bcc header goes to Sent.
 */
@Service
class ComposeService {

  private static final Logger log = LoggerFactory.getLogger(ComposeService.class);

  /** Characters of the text read from a message for quoting or reopening. */
  static final int MAX_TEXT_CHARS = 500_000;

  private static final int MAX_SUBJECT_CHARS = 998;
  private static final int MAX_FILE_NAME_CHARS = 200;
  private static final int MAX_REFERENCES = 50;
  private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]{1,250}>");
  private static final Pattern ATTACHMENT_REF = Pattern.compile("(\\d{1,18}):([0-9.]{1,64})");

  private final Mailstore mailstore;
  private final MessageQueue queue;
  private final SmtpProperties smtp;
  private final MessageComposer composer;
  private final Clock clock;

  ComposeService(Mailstore mailstore, MessageQueue queue, SmtpProperties smtp, Clock clock) {
    this.mailstore = mailstore;
    this.queue = queue;
    this.smtp = smtp;
    this.composer = new MessageComposer(smtp.hostname(), clock);
    this.clock = clock;
  }

  /** Returns the largest message in bytes, the same limit as inbound SMTP. */
  long maxMessageBytes() {
    return smtp.maxMessageSize().toBytes();
  }

  /**
   * Checks the form and collects its attachments: the kept parts of stored messages, then the new
   * uploads.
   *
   * @throws ComposeException for an invalid address, too many recipients, an attachment that no
   *     longer exists, or a message over the size limit
   */
  Composition composition(WebmailUser user, ComposeForm form, List<MultipartFile> uploads)
      throws ComposeException {
    Set<String> seen = new HashSet<>();
    List<InternetAddress> to = Recipients.parse("to", form.to(), seen);
    List<InternetAddress> cc = Recipients.parse("cc", form.cc(), seen);
    List<InternetAddress> bcc = Recipients.parse("bcc", form.bcc(), seen);
    int count = to.size() + cc.size() + bcc.size();
    if (count > smtp.maxRecipients()) {
      throw new ComposeException(
          "compose.error.tooManyRecipients",
          count + " recipients; at most " + smtp.maxRecipients(),
          count,
          smtp.maxRecipients());
    }

    List<Composition.Attachment> attachments = new ArrayList<>();
    for (String ref : form.keep()) {
      attachments.add(storedAttachment(user, ref));
    }
    for (MultipartFile upload : uploads) {
      if (upload.isEmpty()
          && (upload.getOriginalFilename() == null || upload.getOriginalFilename().isBlank())) {
        continue;
      }
      attachments.add(
          new Composition.Attachment(
              fileName(upload.getOriginalFilename()),
              MessageComposer.safeMediaType(upload.getContentType()),
              upload.getSize(),
              null,
              upload::getInputStream));
    }

    Composition composition =
        new Composition(
            to,
            cc,
            bcc,
            singleLine(form.subject()),
            form.body(),
            messageId(form.inReplyTo()),
            references(form.references()),
            attachments,
            form.original());
    long estimate = MessageComposer.estimatedSize(composition);
    if (estimate > maxMessageBytes()) {
      throw new ComposeException(
          "compose.error.tooLarge",
          "message of about " + estimate + " bytes is over the limit of " + maxMessageBytes(),
          megabytes(estimate),
          megabytes(maxMessageBytes()));
    }
    return composition;
  }

  /**
   * Stores the composition in Drafts, creating the folder at first use, and then removes the
   * previous version of the draft. Returns the id of the new version.
   */
  long saveDraft(WebmailUser user, Composition composition, Long previousDraft) throws IOException {
    MimeMessage message = build(user, composition, true);
    long folderId = mailstore.folder(user.id(), FolderRole.DRAFTS).id();
    long id;
    try (InputStream raw = PipedMessage.of((queueId, out) -> writeTo(message, out, null))) {
      id = mailstore.append(user.id(), folderId, raw, Set.of(MessageFlag.SEEN));
    }
    if (previousDraft != null && previousDraft != id) {
      removeDraft(user, previousDraft);
    }
    log.info(
        "Saved draft customer={} user={} message={} attachments={}",
        user.customerId(),
        user.id(),
        id,
        composition.attachments().size());
    return id;
  }

  /**
   * Sends the composition: queues it without its Bcc header, stores a copy in Sent, removes the
   * draft and, for a reply, sets the ANSWERED flag on the original. Returns the queue id.
   */
  String send(
      WebmailUser user, Composition composition, Long draft, boolean reply, String clientAddress)
      throws IOException, ComposeException {
    if (composition.recipients().isEmpty()) {
      throw new ComposeException("compose.error.noRecipients", "no recipient given");
    }
    MimeMessage message = build(user, composition, false);
    Envelope envelope = new Envelope(user.email(), composition.recipients(), false, false);
    String queueId =
        queue.submit(
            envelope,
            Origin.SUBMISSION,
            (id, out) -> {
              out.write(receivedHeader(id, clientAddress).getBytes(StandardCharsets.US_ASCII));
              writeTo(message, out, MessageComposer.NOT_TRANSMITTED);
            });
    log.info(
        "Queued webmail message queue={} customer={} user={} recipients={} attachments={}",
        queueId,
        user.customerId(),
        user.id(),
        envelope.recipients().size(),
        composition.attachments().size());

    // The message is queued and will be delivered, so later failures are logged, not raised.
    try {
      long sent = mailstore.folder(user.id(), FolderRole.SENT).id();
      try (InputStream raw = PipedMessage.of((id, out) -> writeTo(message, out, null))) {
        mailstore.append(user.id(), sent, raw, Set.of(MessageFlag.SEEN));
      }
    } catch (IOException | RuntimeException e) {
      log.error(
          "Storing the Sent copy failed queue={} user={}; the message is queued",
          queueId,
          user.id(),
          e);
    }
    if (draft != null) {
      removeDraft(user, draft);
    }
    if (reply && composition.original() != null) {
      mailstore.setFlag(user.id(), List.of(composition.original()), MessageFlag.ANSWERED, true);
    }
    return queueId;
  }

  /** Removes a draft for good; it does not go to Trash. A missing draft is skipped. */
  void removeDraft(WebmailUser user, long draftId) {
    try {
      StoredMessage draft = mailstore.message(user.id(), draftId);
      long drafts = mailstore.folder(user.id(), FolderRole.DRAFTS).id();
      if (draft.folderId() != drafts) {
        return;
      }
      // Deleting moves to Trash first, and deleting from Trash removes the row and blob.
      mailstore.delete(user.id(), draftId);
      mailstore.delete(user.id(), draftId);
    } catch (NotFoundException gone) {
      log.debug("Draft already removed user={} message={}", user.id(), draftId);
    }
  }

  private Composition.Attachment storedAttachment(WebmailUser user, String ref)
      throws ComposeException {
    Matcher matcher = ATTACHMENT_REF.matcher(ref == null ? "" : ref);
    if (!matcher.matches()) {
      throw attachmentGone(ref);
    }
    long messageId = Long.parseLong(matcher.group(1));
    String path = matcher.group(2);
    StoredMessage message;
    try {
      message = mailstore.message(user.id(), messageId);
    } catch (NotFoundException missing) {
      throw attachmentGone(ref);
    }
    for (AttachmentInfo info : message.metadata().attachments()) {
      if (info.partPath().equals(path)) {
        return new Composition.Attachment(
            fileName(info.name()),
            info.contentType(),
            info.size(),
            ref,
            () -> {
              InputStream part = RawParts.openPart(mailstore.openRaw(user.id(), messageId), path);
              if (part == null) {
                throw new IOException("part " + path + " of message " + messageId + " is missing");
              }
              return part;
            });
      }
    }
    throw attachmentGone(ref);
  }

  private MimeMessage build(WebmailUser user, Composition composition, boolean draft)
      throws IOException {
    try {
      return composer.build(user, composition, draft);
    } catch (MessagingException e) {
      throw new IOException("building the message failed: " + e.getMessage(), e);
    }
  }

  private static void writeTo(MimeMessage message, OutputStream out, String[] ignoredHeaders)
      throws IOException {
    try {
      message.writeTo(out, ignoredHeaders);
    } catch (MessagingException e) {
      throw new IOException("writing the message failed: " + e.getMessage(), e);
    }
  }

  /** Returns the trace header of RFC 5321, section 4.4, for a message submitted over HTTP. */
  private String receivedHeader(String queueId, String clientAddress) {
    String from =
        clientAddress == null
            ? "localhost"
            : clientAddress.indexOf(':') >= 0
                ? "[IPv6:" + clientAddress + "]"
                : "[" + clientAddress + "]";
    String date = new MailDateFormat().format(Date.from(clock.instant()));
    return "Received: from "
        + from
        + "\r\n\tby "
        + smtp.hostname()
        + " (Lifeboat webmail) id "
        + queueId
        + ";\r\n\t"
        + date
        + "\r\n";
  }

  private static ComposeException attachmentGone(String ref) {
    return new ComposeException(
        "compose.error.attachmentGone", "attachment " + ref + " does not exist anymore");
  }

  /** Returns the file name without a path, control characters or excess length. */
  static String fileName(String name) {
    if (name == null || name.isBlank()) {
      return "attachment";
    }
    String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    String clean = base.replaceAll("\\p{Cntrl}", "").strip();
    if (clean.isEmpty()) {
      return "attachment";
    }
    return clean.length() > MAX_FILE_NAME_CHARS ? clean.substring(0, MAX_FILE_NAME_CHARS) : clean;
  }

  /** Returns the subject on one line, so that no header can be injected through it. */
  static String singleLine(String subject) {
    if (subject == null) {
      return "";
    }
    String line = subject.replaceAll("[\\r\\n\\t\\x00-\\x1f\\x7f]+", " ").strip();
    return line.length() > MAX_SUBJECT_CHARS ? line.substring(0, MAX_SUBJECT_CHARS) : line;
  }

  static String messageId(String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    return MESSAGE_ID.matcher(trimmed).matches() ? trimmed : null;
  }

  static List<String> references(String value) {
    List<String> ids = new ArrayList<>();
    if (value == null) {
      return ids;
    }
    Matcher matcher = MESSAGE_ID.matcher(value);
    while (matcher.find()) {
      ids.add(matcher.group());
    }
    // A long thread keeps its first id and the most recent ones, so the thread root stays known.
    if (ids.size() > MAX_REFERENCES) {
      List<String> shortened = new ArrayList<>(ids.subList(0, 1));
      shortened.addAll(ids.subList(ids.size() - (MAX_REFERENCES - 1), ids.size()));
      return shortened;
    }
    return ids;
  }

  private static String megabytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
  }
}
