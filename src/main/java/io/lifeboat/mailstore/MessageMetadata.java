package io.lifeboat.mailstore;

import java.time.Instant;
import java.util.List;

/**
 * Metadata that the webmail shows of a message without reading the raw message, stored encrypted.
 * When {@code parsed} is false, parsing stopped on malformed input. The fields then contain what
 * was read before that point, and the raw message is the reference.
 *
 * @param subject decoded Subject, or null when absent
 * @param date the Date header, or null when absent or unreadable
 * @param messageId the Message-ID with its angle brackets, or null
 * @param inReplyTo the first message id of In-Reply-To, or null
 * @param references the message ids of References, oldest first
 * @param snippet up to {@value MessageParser#SNIPPET_CHARS} characters of the text body with
 *     whitespace collapsed; empty when there is no text body
 */
public record MessageMetadata(
    List<MailAddress> from,
    List<MailAddress> to,
    List<MailAddress> cc,
    List<MailAddress> bcc,
    List<MailAddress> replyTo,
    String subject,
    Instant date,
    String messageId,
    String inReplyTo,
    List<String> references,
    boolean hasAttachments,
    List<AttachmentInfo> attachments,
    String snippet,
    boolean parsed) {

  public MessageMetadata {
    from = List.copyOf(from);
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    replyTo = List.copyOf(replyTo);
    references = List.copyOf(references);
    attachments = List.copyOf(attachments);
    snippet = snippet == null ? "" : snippet;
  }
}
