package io.lifeboat.webmail;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.springframework.web.util.HtmlUtils;

/**
 * Turns the readable parts of a parsed message into one safe HTML fragment: plain text escaped in a
 * {@code pre} block, HTML through {@link MailHtmlSanitizer}, and attached messages (message/rfc822)
 * with their own header block and body, nested. Other parts are attachments and not shown here.
 */
final class MessageBodyRenderer {

  /** Maximum characters shown of one text part. The .eml download still has the whole text. */
  static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;

  private static final int MAX_DEPTH = 8;

  /** The fragment and how many remote images it had blocked. */
  record Rendered(String html, int blockedRemote) {}

  private final String partUrl;
  private final boolean allowRemote;
  private final StringBuilder out = new StringBuilder();
  private int blockedRemote;

  private MessageBodyRenderer(String partUrl, boolean allowRemote) {
    this.partUrl = partUrl;
    this.allowRemote = allowRemote;
  }

  /**
   * Renders a message. {@code partUrl} is the prefix under which inline images are served by
   * Content-ID; {@code allowRemote} keeps remote images.
   */
  static Rendered render(Message message, String partUrl, boolean allowRemote) throws IOException {
    MessageBodyRenderer renderer = new MessageBodyRenderer(partUrl, allowRemote);
    renderer.entity(message, 0);
    return new Rendered(renderer.out.toString(), renderer.blockedRemote);
  }

  private void entity(Entity entity, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return;
    }
    Body body = entity.getBody();
    if (body instanceof Multipart multipart) {
      multipart(multipart, depth);
    } else if (body instanceof Message attached) {
      out.append("<section class=\"attached-message\">");
      headerBlock(attached);
      entity(attached, depth + 1);
      out.append("</section>");
    } else if (body instanceof TextBody text && isInlineText(entity)) {
      text(entity, text);
    }
  }

  private void multipart(Multipart multipart, int depth) throws IOException {
    List<Entity> children = multipart.getBodyParts();
    if (children.isEmpty()) {
      return;
    }
    String subtype = multipart.getSubType().toLowerCase(Locale.ROOT);
    if (subtype.equals("alternative")) {
      entity(preferredAlternative(children), depth + 1);
    } else if (subtype.equals("related")) {
      // The first part is the root, and the others are its inline resources.
      entity(children.get(0), depth + 1);
    } else {
      for (Entity child : children) {
        entity(child, depth + 1);
      }
    }
  }

  /** Picks the richest alternative that can be shown: HTML, then plain text, then the last one. */
  private static Entity preferredAlternative(List<Entity> children) {
    for (String wanted : List.of("text/html", "text/plain")) {
      for (int i = children.size() - 1; i >= 0; i--) {
        if (children.get(i).getMimeType().equalsIgnoreCase(wanted)) {
          return children.get(i);
        }
      }
    }
    for (int i = children.size() - 1; i >= 0; i--) {
      if (children.get(i).isMultipart()) {
        return children.get(i);
      }
    }
    return children.get(children.size() - 1);
  }

  private static boolean isInlineText(Entity entity) {
    String type = entity.getMimeType().toLowerCase(Locale.ROOT);
    boolean text = type.equals("text/plain") || type.equals("text/html");
    return text && !"attachment".equalsIgnoreCase(entity.getDispositionType());
  }

  private void text(Entity entity, TextBody body) throws IOException {
    String content = read(body);
    if (entity.getMimeType().equalsIgnoreCase("text/html")) {
      MailHtmlSanitizer.Result clean = MailHtmlSanitizer.clean(content, partUrl, allowRemote);
      blockedRemote += clean.blockedRemote();
      out.append("<div class=\"html-part\">").append(clean.html()).append("</div>");
    } else {
      out.append("<pre class=\"plain-part\">")
          .append(HtmlUtils.htmlEscape(content))
          .append("</pre>");
    }
  }

  private static String read(TextBody body) throws IOException {
    StringBuilder text = new StringBuilder();
    char[] buffer = new char[8192];
    try (Reader reader = body.getReader()) {
      int n;
      while ((n = reader.read(buffer)) > 0 && text.length() < MAX_TEXT_CHARS) {
        text.append(buffer, 0, Math.min(n, MAX_TEXT_CHARS - text.length()));
      }
    }
    return text.toString();
  }

  // NOTE: the header names of an attached message are English in every language.
  private void headerBlock(Message message) {
    out.append("<dl class=\"attached-headers\">");
    row("From", addresses(message.getFrom()));
    row("To", addresses(message.getTo()));
    row("Date", message.getDate() == null ? null : message.getDate().toInstant().toString());
    row("Subject", message.getSubject());
    out.append("</dl>");
  }

  private void row(String name, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    out.append("<dt>").append(name).append("</dt><dd>");
    out.append(HtmlUtils.htmlEscape(value)).append("</dd>");
  }

  private static String addresses(Object list) {
    if (list instanceof MailboxList mailboxes) {
      return String.join(", ", mailboxes.stream().map(Object::toString).toList());
    }
    if (list instanceof AddressList addresses) {
      return String.join(", ", addresses.stream().map(Object::toString).toList());
    }
    return null;
  }
}
