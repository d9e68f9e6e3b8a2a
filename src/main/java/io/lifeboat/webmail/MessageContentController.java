package io.lifeboat.webmail;

import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.AttachmentInfo;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.StoredMessage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.support.RequestContextUtils;
import org.springframework.web.util.HtmlUtils;

/**
 * The content of one message: the sanitized body shown in the reading pane's sandboxed frame, its
 * inline images by Content-ID, its attachments and the raw message as {@code .eml}.
 */
@Controller
class MessageContentController {

  private static final Logger log = LoggerFactory.getLogger(MessageContentController.class);

  /**
   * The policy of the body frame: no script, no plugin, no form and no frame at all; images only
   * from Lifeboat (inline {@code cid:} parts) unless the user allowed remote content; styles only
   * from Lifeboat's stylesheet. The {@code sandbox} directive also applies when the body URL is
   * opened outside its frame.
   */
  static final String BODY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self'%s; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'self';"
          + " sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox";

  /** Parts and raw messages are never shown as a page of this origin. */
  static final String DOWNLOAD_POLICY = "default-src 'none'; sandbox";

  private final Mailstore mailstore;
  private final MessageSource messages;
  private final UserPreferences preferences;

  MessageContentController(
      Mailstore mailstore, MessageSource messages, UserPreferences preferences) {
    this.mailstore = mailstore;
    this.messages = messages;
    this.preferences = preferences;
  }

  @GetMapping("/mail/message/{id}/body")
  void body(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      @RequestParam(defaultValue = "false") boolean remote,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    WebmailSettings settings = preferences.apply(user, request, response);
    mailstore.message(user.id(), id);
    String partUrl = request.getContextPath() + "/mail/message/" + id + "/cid/";
    Locale locale = RequestContextUtils.getLocale(request);
    MessageBodyRenderer.Rendered rendered;
    try (InputStream raw = mailstore.openRaw(user.id(), id);
        MimeTree tree = MimeTree.parse(raw)) {
      rendered = MessageBodyRenderer.render(tree.message(), partUrl, remote);
    } catch (MimeIOException overLimit) {
      // Apache mime4j's limits (512 parts by default) stop hostile structures, and the mailstore
      // stores such a message unparsed, so the frame shows a notice that points to the .eml.
      log.warn(
          "Message body not shown user={} message={}: {}", user.id(), id, overLimit.getMessage());
      String notice = HtmlUtils.htmlEscape(text("read.malformed", locale));
      rendered = new MessageBodyRenderer.Rendered("<p id=\"malformed\">" + notice + "</p>", 0);
    }
    StringBuilder page = new StringBuilder(rendered.html().length() + 1024);
    page.append("<!DOCTYPE html><html lang=\"")
        .append(HtmlUtils.htmlEscape(locale.toLanguageTag()))
        .append("\"><head><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"")
        .append(request.getContextPath())
        .append("/css/mail-body.css\"></head><body class=\"font-")
        .append(settings.font())
        .append(" size-")
        .append(settings.fontSize())
        .append("\">");
    if (rendered.blockedRemote() > 0) {
      page.append("<p id=\"remote-blocked\" class=\"remote-blocked\">")
          .append(HtmlUtils.htmlEscape(text("read.remoteBlocked", locale)))
          .append(" <a id=\"show-remote\" target=\"_self\" href=\"")
          .append(request.getContextPath())
          .append("/mail/message/")
          .append(id)
          .append("/body?remote=true\">")
          .append(HtmlUtils.htmlEscape(text("read.showRemote", locale)))
          .append("</a></p>");
    }
    page.append(rendered.html()).append("</body></html>");

    response.setHeader(
        "Content-Security-Policy", BODY_POLICY.formatted(remote ? " http: https:" : ""));
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("text/html;charset=UTF-8");
    response.getOutputStream().write(page.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** An inline image of the message, by the Content-ID that its HTML names. */
  @GetMapping("/mail/message/{id}/cid/{contentId}")
  void inlinePart(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      @PathVariable String contentId,
      HttpServletResponse response)
      throws IOException {
    try (InputStream raw = mailstore.openRaw(user.id(), id);
        MimeTree tree = MimeTree.parse(raw)) {
      MimeTree.Part part =
          tree.byContentId(contentId)
              .orElseThrow(() -> new NotFoundException("part " + contentId + " not found"));
      String type = part.mimeType();
      boolean image = type.startsWith("image/") && !type.contains("svg");
      response.setContentType(image ? type : "application/octet-stream");
      response.setHeader(
          "Content-Disposition",
          image ? "inline" : ContentDisposition.attachment().build().toString());
      downloadHeaders(response);
      writeBody(part.entity().getBody(), response.getOutputStream());
    }
  }

  /** An attachment, named as the mailstore decoded it, always as a download. */
  @GetMapping("/mail/message/{id}/part/{path:[0-9.]+}")
  void attachment(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      @PathVariable String path,
      HttpServletResponse response)
      throws IOException {
    StoredMessage message = mailstore.message(user.id(), id);
    AttachmentInfo info =
        message.metadata().attachments().stream()
            .filter(a -> a.partPath().equals(path))
            .findFirst()
            .orElseThrow(() -> new NotFoundException("attachment " + path + " not found"));
    try (InputStream raw = mailstore.openRaw(user.id(), id);
        MimeTree tree = MimeTree.parse(raw)) {
      MimeTree.Part part =
          tree.part(path)
              .orElseThrow(() -> new NotFoundException("attachment " + path + " not found"));
      String name = safeFileName(info.name(), "attachment-" + path.replace('.', '-'));
      response.setContentType(
          info.contentType().equals("message/rfc822")
              ? "message/rfc822"
              : "application/octet-stream");
      response.setHeader(
          "Content-Disposition",
          ContentDisposition.attachment()
              .filename(name, StandardCharsets.UTF_8)
              .build()
              .toString());
      downloadHeaders(response);
      writeBody(part.entity().getBody(), response.getOutputStream());
    }
  }

  /** The raw message byte for byte as stored, as a {@code .eml} download. */
  @GetMapping("/mail/message/{id}/eml")
  void eml(
      @AuthenticationPrincipal WebmailUser user,
      @PathVariable long id,
      HttpServletResponse response)
      throws IOException {
    StoredMessage message = mailstore.message(user.id(), id);
    String subject = message.metadata().subject();
    String name = safeFileName(subject, "message-" + id) + ".eml";
    response.setContentType("message/rfc822");
    response.setContentLengthLong(message.size());
    response.setHeader(
        "Content-Disposition",
        ContentDisposition.attachment().filename(name, StandardCharsets.UTF_8).build().toString());
    downloadHeaders(response);
    try (InputStream raw = mailstore.openRaw(user.id(), id)) {
      raw.transferTo(response.getOutputStream());
    }
    log.info("Exported message customer={} user={} message={}", user.customerId(), user.id(), id);
  }

  @ExceptionHandler(NotFoundException.class)
  @ResponseStatus(HttpStatus.NOT_FOUND)
  void notFound() {
    // A message or part of another user is reported exactly like one that does not exist.
  }

  private static void downloadHeaders(HttpServletResponse response) {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", DOWNLOAD_POLICY);
    response.setHeader("Cache-Control", "private, no-store");
  }

  private static void writeBody(Body body, OutputStream out) throws IOException {
    if (body instanceof SingleBody single) {
      single.writeTo(out);
    } else if (body instanceof Message attached) {
      new DefaultMessageWriter().writeMessage(attached, out);
    }
  }

  /**
   * Keeps a file name that cannot escape a download folder or confuse a header: no path separators,
   * control characters or leading dots, at most 180 characters.
   */
  static String safeFileName(String name, String fallback) {
    if (name == null) {
      return fallback;
    }
    String cleaned =
        name.replaceAll("[\\p{Cntrl}/\\\\:*?\"<>|]", "_").replaceAll("^[.\\s]+", "").strip();
    if (cleaned.length() > 180) {
      cleaned = cleaned.substring(0, 180);
    }
    return cleaned.isEmpty() ? fallback : cleaned;
  }

  private String text(String key, Locale locale) {
    return messages.getMessage(key, null, key, locale);
  }
}
