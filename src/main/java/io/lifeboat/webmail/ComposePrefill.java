package io.lifeboat.webmail;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.AttachmentInfo;
import io.lifeboat.mailstore.MailAddress;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.MessageMetadata;
import io.lifeboat.mailstore.StoredMessage;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Component;

/**
 * Fills the compose form: for a reply, reply all or forward of a stored message, and for a draft
 * that is opened again.
 */
@Component
class ComposePrefill {

  /** An attachment as the compose page lists it. */
  record AttachmentView(String ref, String name, String size, long bytes) {}

  private final Mailstore mailstore;
  private final MessageSource messages;

  ComposePrefill(Mailstore mailstore, MessageSource messages) {
    this.mailstore = mailstore;
    this.messages = messages;
  }

  /**
   * Returns a reply to the sender (Reply-To when present) or, with {@code all}, also to the other
   * To and Cc recipients except the user. The text is quoted, and In-Reply-To and References follow
   * RFC 5322, section 3.6.4.
   */
  ComposeForm reply(WebmailUser user, long id, boolean all, MailboxViews views, Locale locale)
      throws IOException {
    StoredMessage original = mailstore.message(user.id(), id);
    MessageMetadata metadata = original.metadata();
    Set<String> seen = new HashSet<>();
    seen.add(user.email().toLowerCase(Locale.ROOT));
    List<String> to = new ArrayList<>();
    addAll(to, metadata.replyTo().isEmpty() ? metadata.from() : metadata.replyTo(), seen);
    List<String> cc = new ArrayList<>();
    if (all) {
      addAll(to, metadata.to(), seen);
      addAll(cc, metadata.cc(), seen);
    }

    List<String> references = new ArrayList<>(metadata.references());
    if (references.isEmpty() && metadata.inReplyTo() != null) {
      references.add(metadata.inReplyTo());
    }
    if (metadata.messageId() != null) {
      references.add(metadata.messageId());
    }

    String text =
        RawParts.readText(mailstore.openRaw(user.id(), id), ComposeService.MAX_TEXT_CHARS).text();
    String sender = MailboxViews.addresses(metadata.from());
    String intro =
        messages.getMessage(
            "compose.quoteIntro",
            new Object[] {views.date(sentOrReceived(original)), sender},
            locale);
    String body = "\n\n" + intro + "\n" + quote(text);
    return new ComposeForm(
        String.join(", ", to),
        String.join(", ", cc),
        "",
        prefixed("Re:", metadata.subject()),
        body,
        List.of(),
        null,
        id,
        ComposeService.messageId(metadata.messageId()),
        String.join(" ", references));
  }

  /** Returns a forward with the original's header block, text and attachments. */
  ComposeForm forward(WebmailUser user, long id, MailboxViews views, Locale locale)
      throws IOException {
    StoredMessage original = mailstore.message(user.id(), id);
    MessageMetadata metadata = original.metadata();
    String text =
        RawParts.readText(mailstore.openRaw(user.id(), id), ComposeService.MAX_TEXT_CHARS).text();
    StringBuilder body = new StringBuilder("\n\n");
    body.append("-------- ")
        .append(messages.getMessage("compose.forwarded", null, locale))
        .append(" --------\n");
    header(body, "mail.from", MailboxViews.addresses(metadata.from()), locale);
    header(body, "mail.date", views.date(sentOrReceived(original)), locale);
    header(body, "mail.subject", metadata.subject() == null ? "" : metadata.subject(), locale);
    header(body, "mail.to", MailboxViews.addresses(metadata.to()), locale);
    if (!metadata.cc().isEmpty()) {
      header(body, "mail.cc", MailboxViews.addresses(metadata.cc()), locale);
    }
    body.append('\n').append(text);
    List<String> keep = new ArrayList<>();
    for (AttachmentInfo attachment : metadata.attachments()) {
      keep.add(id + ":" + attachment.partPath());
    }
    return new ComposeForm(
        "",
        "",
        "",
        prefixed("Fwd:", metadata.subject()),
        body.toString(),
        keep,
        null,
        id,
        null,
        null);
  }

  /** Returns a stored draft as the form that wrote it, with its attachments kept. */
  ComposeForm draft(WebmailUser user, long id) throws IOException {
    StoredMessage draft = mailstore.message(user.id(), id);
    MessageMetadata metadata = draft.metadata();
    RawParts.Text text =
        RawParts.readText(mailstore.openRaw(user.id(), id), ComposeService.MAX_TEXT_CHARS);
    List<String> keep = new ArrayList<>();
    for (AttachmentInfo attachment : metadata.attachments()) {
      keep.add(id + ":" + attachment.partPath());
    }
    Long original = null;
    if (text.composeOriginal() != null && text.composeOriginal().matches("\\d{1,18}")) {
      original = Long.parseLong(text.composeOriginal());
    }
    return new ComposeForm(
        editable(metadata.to()),
        editable(metadata.cc()),
        editable(metadata.bcc()),
        metadata.subject() == null ? "" : metadata.subject(),
        text.text().replace("\r\n", "\n"),
        keep,
        id,
        original,
        metadata.inReplyTo(),
        String.join(" ", metadata.references()));
  }

  /** Returns the attachments of the form that still exist, with name and size. */
  List<AttachmentView> attachments(WebmailUser user, List<String> keep) {
    List<AttachmentView> views = new ArrayList<>();
    for (String ref : keep) {
      int colon = ref.indexOf(':');
      if (colon <= 0 || !ref.substring(0, colon).matches("\\d{1,18}")) {
        continue;
      }
      long id = Long.parseLong(ref.substring(0, colon));
      String path = ref.substring(colon + 1);
      try {
        for (AttachmentInfo info : mailstore.message(user.id(), id).metadata().attachments()) {
          if (info.partPath().equals(path)) {
            views.add(
                new AttachmentView(
                    ref,
                    ComposeService.fileName(info.name()),
                    MailboxViews.size(info.size()),
                    info.size()));
          }
        }
      } catch (NotFoundException gone) {
        // Listed no more: sending reports the missing attachment.
      }
    }
    return views;
  }

  private void header(StringBuilder body, String key, String value, Locale locale) {
    body.append(messages.getMessage(key, null, locale)).append(": ").append(value).append('\n');
  }

  private static java.time.Instant sentOrReceived(StoredMessage message) {
    return message.metadata().date() != null ? message.metadata().date() : message.received();
  }

  private static void addAll(List<String> target, List<MailAddress> addresses, Set<String> seen) {
    for (MailAddress address : addresses) {
      if (address.address() != null && seen.add(address.address().toLowerCase(Locale.ROOT))) {
        target.add(editable(address));
      }
    }
  }

  /** Formats addresses for an input field, quoting display names where RFC 5322 needs it. */
  static String editable(List<MailAddress> addresses) {
    List<String> parts = new ArrayList<>();
    for (MailAddress address : addresses) {
      if (address.address() != null) {
        parts.add(editable(address));
      }
    }
    return String.join(", ", parts);
  }

  private static String editable(MailAddress address) {
    if (address.name() == null || address.name().isBlank()) {
      return address.address();
    }
    try {
      return new InternetAddress(address.address(), address.name(), "UTF-8").toUnicodeString();
    } catch (UnsupportedEncodingException e) {
      return address.address();
    }
  }

  /** Returns the subject with the prefix, unless it starts with it already. */
  static String prefixed(String prefix, String subject) {
    String text = subject == null ? "" : subject.strip();
    if (text.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return text;
    }
    return prefix + " " + text;
  }

  /** Returns the text with each line prefixed by {@code >}, as quoted text is shown in replies. */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder();
    for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
      quoted.append(line.startsWith(">") ? ">" : "> ").append(line).append('\n');
    }
    return quoted.toString();
  }
}
