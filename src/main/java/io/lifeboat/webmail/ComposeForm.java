package io.lifeboat.webmail;

import java.util.List;

/**
 * The fields of the compose form. {@code keep} lists the attachments taken over from stored
 * messages as {@code <message id>:<part path>}; {@code draft} is the current version of the draft
 * and {@code original} the stored message replied to or forwarded.
 */
record ComposeForm(
    String to,
    String cc,
    String bcc,
    String subject,
    String body,
    List<String> keep,
    Long draft,
    Long original,
    String inReplyTo,
    String references) {

  ComposeForm {
    to = to == null ? "" : to;
    cc = cc == null ? "" : cc;
    bcc = bcc == null ? "" : bcc;
    subject = subject == null ? "" : subject;
    body = body == null ? "" : body;
    keep = keep == null ? List.of() : List.copyOf(keep);
  }

  static ComposeForm empty() {
    return new ComposeForm("", "", "", "", "", List.of(), null, null, null, null);
  }

  ComposeForm withKeep(List<String> replacement) {
    return new ComposeForm(
        to, cc, bcc, subject, body, replacement, draft, original, inReplyTo, references);
  }

  ComposeForm withDraft(Long replacement) {
    return new ComposeForm(
        to, cc, bcc, subject, body, keep, replacement, original, inReplyTo, references);
  }
}
