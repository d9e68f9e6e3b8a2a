package io.lifeboat.webmail;

import io.lifeboat.mailstore.AttachmentInfo;
import io.lifeboat.mailstore.MailAddress;
import io.lifeboat.mailstore.MailFolder;
import io.lifeboat.mailstore.MessageFlag;
import io.lifeboat.mailstore.MessageMetadata;
import io.lifeboat.mailstore.StoredMessage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The values the mailbox templates show, formatted for the signed-in user. */
public final class MailboxViews {

  /** A folder in the folder list. {@code labelKey} is set for system folders, else {@code name}. */
  public record FolderView(
      long id, String labelKey, String name, long total, long unread, boolean current) {

    public boolean custom() {
      return labelKey == null;
    }
  }

  /**
   * A line of the message list. {@code recipients} is shown in place of {@code sender} in Sent and
   * Drafts.
   */
  public record MessageRow(
      long id,
      long folderId,
      String sender,
      String recipients,
      String subject,
      String date,
      String isoDate,
      String size,
      boolean attachment,
      boolean unread,
      boolean flagged,
      boolean selected) {}

  /** The header block of the message in the reading pane. */
  public record MessageDetail(
      long id,
      long folderId,
      String from,
      String to,
      String cc,
      String subject,
      String date,
      boolean flagged,
      boolean parsed,
      List<AttachmentInfo> attachments) {}

  private final ZoneId zone;
  private final WebmailSettings settings;
  private final Locale locale;

  MailboxViews(String timezone, WebmailSettings settings, Locale locale) {
    this.zone = zoneOf(timezone);
    this.settings = settings;
    this.locale = locale;
  }

  static FolderView folder(MailFolder folder, long currentId) {
    String key = folder.role() == null ? null : "folder." + folder.role().name();
    return new FolderView(
        folder.id(), key, folder.name(), folder.total(), folder.unread(), folder.id() == currentId);
  }

  MessageRow row(StoredMessage message, long selectedId) {
    Instant when = message.received();
    return new MessageRow(
        message.id(),
        message.folderId(),
        sender(message.metadata().from()),
        recipients(message.metadata()),
        message.metadata().subject(),
        date(when),
        when.toString(),
        size(message.size()),
        message.metadata().hasAttachments(),
        !message.has(MessageFlag.SEEN),
        message.has(MessageFlag.FLAGGED),
        message.id() == selectedId);
  }

  MessageDetail detail(StoredMessage message) {
    var metadata = message.metadata();
    Instant when = metadata.date() != null ? metadata.date() : message.received();
    return new MessageDetail(
        message.id(),
        message.folderId(),
        addresses(metadata.from()),
        addresses(metadata.to()),
        addresses(metadata.cc()),
        metadata.subject(),
        date(when),
        message.has(MessageFlag.FLAGGED),
        metadata.parsed(),
        metadata.attachments());
  }

  String date(Instant instant) {
    ZonedDateTime local = instant.atZone(zone);
    return settings.dateFormatter().format(local)
        + " "
        + settings.timeFormatter(locale).format(local);
  }

  /** Formats a size in bytes with binary units, for example {@code 12 KB}. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return ((bytes + 1023) / 1024) + " KB";
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  private static String sender(List<MailAddress> from) {
    if (from.isEmpty()) {
      return "";
    }
    MailAddress first = from.get(0);
    if (first.name() != null && !first.name().isBlank()) {
      return first.name();
    }
    return first.address() == null ? "" : first.address();
  }

  /** Returns the To, Cc and Bcc recipients by display name, or by address when unnamed. */
  private static String recipients(MessageMetadata metadata) {
    return java.util.stream.Stream.of(metadata.to(), metadata.cc(), metadata.bcc())
        .flatMap(List::stream)
        .map(a -> a.name() != null && !a.name().isBlank() ? a.name() : a.address())
        .filter(java.util.Objects::nonNull)
        .collect(Collectors.joining(", "));
  }

  static String addresses(List<MailAddress> list) {
    return list.stream().map(MailboxViews::address).collect(Collectors.joining(", "));
  }

  private static String address(MailAddress address) {
    if (address.name() == null || address.name().isBlank()) {
      return address.address() == null ? "" : address.address();
    }
    if (address.address() == null) {
      return address.name();
    }
    return address.name() + " <" + address.address() + ">";
  }

  private static ZoneId zoneOf(String timezone) {
    try {
      return timezone == null ? ZoneId.of("UTC") : ZoneId.of(timezone);
    } catch (java.time.DateTimeException invalid) {
      return ZoneId.of("UTC");
    }
  }
}
