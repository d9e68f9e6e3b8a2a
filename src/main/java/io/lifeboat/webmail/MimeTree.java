package io.lifeboat.webmail;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * A raw message parsed with mime4j for reading, with its parts numbered as the mailstore numbers
 * attachments: the parts of a multipart are 1, 2, ..., a part inside part 2 is 2.1, and the body of
 * a message that is no multipart is 1. An attached message/rfc822 is one part; its own parts are
 * not numbered.
 */
final class MimeTree implements AutoCloseable {

  /** One leaf part with its number. */
  record Part(String path, Entity entity) {
    String mimeType() {
      return entity.getMimeType().toLowerCase(Locale.ROOT);
    }

    /** Returns the Content-ID without its angle brackets, or null. */
    String contentId() {
      Field field = entity.getHeader().getField("Content-ID");
      if (field == null || field.getBody() == null) {
        return null;
      }
      String id = field.getBody().trim();
      if (id.startsWith("<") && id.endsWith(">") && id.length() > 1) {
        id = id.substring(1, id.length() - 1);
      }
      return id.isEmpty() ? null : id;
    }
  }

  private static final MimeConfig CONFIG =
      MimeConfig.custom()
          .setMaxLineLen(-1)
          .setMaxHeaderLen(-1)
          .setMaxHeaderCount(-1)
          .setMaxContentLen(-1)
          .build();

  private final Message message;
  private final List<Part> parts = new ArrayList<>();

  private MimeTree(Message message) {
    this.message = message;
    number(message, "");
  }

  /** Parses a raw message permissively: malformed structure yields what could be read. */
  static MimeTree parse(InputStream raw) throws IOException {
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(CONFIG);
    builder.setDecodeMonitor(DecodeMonitor.SILENT);
    return new MimeTree(builder.parseMessage(raw));
  }

  Message message() {
    return message;
  }

  List<Part> parts() {
    return parts;
  }

  Optional<Part> part(String path) {
    return parts.stream().filter(p -> p.path().equals(path)).findFirst();
  }

  Optional<Part> byContentId(String contentId) {
    return parts.stream().filter(p -> contentId.equals(p.contentId())).findFirst();
  }

  private void number(Entity entity, String path) {
    Body body = entity.getBody();
    if (body instanceof Multipart multipart) {
      List<Entity> children = multipart.getBodyParts();
      for (int i = 0; i < children.size(); i++) {
        number(children.get(i), path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1));
      }
      return;
    }
    parts.add(new Part(path.isEmpty() ? "1" : path, entity));
  }

  @Override
  public void close() {
    message.dispose();
  }
}
