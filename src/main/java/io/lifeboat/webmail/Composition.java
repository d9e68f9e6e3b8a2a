package io.lifeboat.webmail;

import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as the user wrote it, checked and ready to be built: the recipients are valid
 * addresses, the subject has no line breaks and the reply headers are well-formed message ids.
 *
 * @param inReplyTo the message id, in angle brackets, of the message replied to, or null
 * @param references message ids in angle brackets, oldest first
 * @param original id of the stored message replied to or forwarded, or null
 */
record Composition(
    List<InternetAddress> to,
    List<InternetAddress> cc,
    List<InternetAddress> bcc,
    String subject,
    String body,
    String inReplyTo,
    List<String> references,
    List<Attachment> attachments,
    Long original) {

  Composition {
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    subject = subject == null ? "" : subject;
    body = body == null ? "" : body;
    references = List.copyOf(references);
    attachments = List.copyOf(attachments);
  }

  /** Returns every envelope recipient: To, Cc and Bcc. */
  List<String> recipients() {
    List<String> all = new ArrayList<>();
    for (List<InternetAddress> list : List.of(to, cc, bcc)) {
      list.forEach(a -> all.add(a.getAddress()));
    }
    return all;
  }

  /** Opens the decoded bytes of an attachment; each call starts from the beginning. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  /**
   * One attachment. {@code ref} is {@code <message id>:<part path>} for a part of a stored message
   * (a draft or a forwarded message) and null for a new upload.
   *
   * @param size decoded size in bytes
   */
  record Attachment(String name, String contentType, long size, String ref, Content content) {}
}
