package io.lifeboat.mailstore;

import io.lifeboat.blob.BlobStore;
import io.lifeboat.directory.InvalidInputException;
import io.lifeboat.directory.NotFoundException;
import io.lifeboat.mailstore.MessageRepository.Row;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The messages of standby mailboxes, as the webmail reads and manages them. Every method takes the
 * id of the user acting and touches only that user's mailbox: a message or folder id of another
 * user is reported as not found, exactly like an id that does not exist.
 */
@Service
public class Mailstore {

  private static final Logger log = LoggerFactory.getLogger(Mailstore.class);

  /** The outcome of {@link #delete}. */
  public enum Deletion {
    MOVED_TO_TRASH,
    REMOVED
  }

  private final Mailboxes mailboxes;
  private final Folders folders;
  private final MessageRepository messages;
  private final MessageWriter writer;
  private final MessageChanges changes;
  private final SearchIndex searchIndex;
  private final BlobStore blobStore;
  private final MailstoreMetrics metrics;
  private final MailstoreProperties properties;
  private final Clock clock;

  Mailstore(
      Mailboxes mailboxes,
      Folders folders,
      MessageRepository messages,
      MessageWriter writer,
      MessageChanges changes,
      SearchIndex searchIndex,
      BlobStore blobStore,
      MailstoreMetrics metrics,
      MailstoreProperties properties,
      Clock clock) {
    this.mailboxes = mailboxes;
    this.folders = folders;
    this.messages = messages;
    this.writer = writer;
    this.changes = changes;
    this.searchIndex = searchIndex;
    this.blobStore = blobStore;
    this.metrics = metrics;
    this.properties = properties;
    this.clock = clock;
  }

  /** Lists the folders with their counts: system folders first, then custom ones by name. */
  public List<MailFolder> folders(long userId) {
    return folders.list(mailboxes.open(userId));
  }

  /** Returns a system folder, creating it at first use. */
  public MailFolder folder(long userId, FolderRole role) {
    return folders.system(mailboxes.open(userId), role);
  }

  public MailFolder folder(long userId, long folderId) {
    return folders.find(mailboxes.open(userId), folderId);
  }

  /**
   * Creates a custom folder.
   *
   * @throws InvalidInputException when the name is empty, too long, contains {@code /} or control
   *     characters, or is the name of a system folder
   * @throws io.lifeboat.directory.ConflictException when a folder of that name exists, ignoring
   *     case, or the mailbox has the maximum number of folders
   */
  public MailFolder createFolder(long userId, String name) {
    return folders.create(mailboxes.open(userId), name);
  }

  /** Renames a custom folder; rejects system folders and names as {@link #createFolder} does. */
  public MailFolder renameFolder(long userId, long folderId, String name) {
    return folders.rename(mailboxes.open(userId), folderId, name);
  }

  /**
   * Deletes a custom folder after moving its messages to Trash, so that nothing is lost; returns
   * how many messages were moved.
   */
  public int deleteFolder(long userId, long folderId) {
    return folders.delete(mailboxes.open(userId), folderId);
  }

  /**
   * Lists one page of a folder, newest first.
   *
   * @param offset messages to skip, from 0
   * @param limit page size, from 1 to {@code lifeboat.mailstore.max-page-size}
   */
  public MessagePage messages(long userId, long folderId, int offset, int limit) {
    if (offset < 0) {
      throw new InvalidInputException(
          "offset", Integer.toString(offset), "offset must be 0 or more");
    }
    if (limit < 1 || limit > properties.maxPageSize()) {
      throw new InvalidInputException(
          "limit",
          Integer.toString(limit),
          "limit must be between 1 and " + properties.maxPageSize());
    }
    MailboxCipher cipher = mailboxes.open(userId);
    MailFolder folder = folders.find(cipher, folderId);
    List<StoredMessage> page = new ArrayList<>();
    for (Row row : messages.page(userId, folderId, offset, limit, folder.total())) {
      page.add(view(cipher, row));
    }
    return new MessagePage(page, folder.total(), offset, limit);
  }

  /** The outcome of {@link #search}. */
  public record SearchResult(List<StoredMessage> messages, boolean truncated, boolean complete) {

    public SearchResult {
      messages = List.copyOf(messages);
    }
  }

  /**
   * Searches one folder, or the whole mailbox when {@code folderId} is null, for messages that
   * contain every word of {@code query} (see {@link SearchWords}) in the sender, the recipients,
   * the subject or a text body. Returns the {@code limit} most recently stored matches, newest
   * first. {@code truncated} is true when more matched, and {@code complete} is false while
   * messages stored before the search index existed are still being indexed.
   *
   * @throws InvalidInputException when the query has too many words or the limit is below 1
   */
  public SearchResult search(long userId, Long folderId, String query, int limit) {
    if (limit < 1) {
      throw new InvalidInputException("limit", Integer.toString(limit), "limit must be 1 or more");
    }
    List<String> words = SearchWords.ofQuery(query);
    if (words.isEmpty()) {
      return new SearchResult(List.of(), false, true);
    }
    Timer.Sample sample = metrics.start();
    String outcome = "failed";
    try {
      MailboxCipher cipher = mailboxes.open(userId);
      if (folderId != null) {
        folders.find(cipher, folderId);
      }
      SearchIndex.Hits hits = searchIndex.search(cipher, folderId, words, limit);
      List<StoredMessage> found = new ArrayList<>();
      for (Row row : hits.rows()) {
        found.add(view(cipher, row));
      }
      outcome = "ok";
      return new SearchResult(found, hits.truncated(), hits.complete());
    } finally {
      metrics.stop(sample, "search", outcome);
    }
  }

  public StoredMessage message(long userId, long messageId) {
    MailboxCipher cipher = mailboxes.open(userId);
    return view(cipher, row(userId, messageId));
  }

  /**
   * Opens the raw message exactly as it was received, decrypting while it is read. The caller
   * closes the stream. A read fails with an {@link IOException} if the blob was altered.
   */
  public InputStream openRaw(long userId, long messageId) throws IOException {
    Timer.Sample sample = metrics.start();
    String outcome = "failed";
    try {
      MailboxCipher cipher = mailboxes.open(userId);
      Row row = row(userId, messageId);
      InputStream blob = blobStore.open(row.blobKey());
      try {
        InputStream plain = cipher.decryptingStream(blob, row.blobKey());
        outcome = "ok";
        return plain;
      } catch (IOException | RuntimeException e) {
        blob.close();
        throw e;
      }
    } finally {
      metrics.stop(sample, "open", outcome);
    }
  }

  /**
   * Stores a message in a folder, for example a sent message in Sent or a draft in Drafts, and
   * returns its id. The message is durable on return.
   */
  public long append(long userId, long folderId, InputStream raw, Set<MessageFlag> flags)
      throws IOException {
    Timer.Sample sample = metrics.start();
    String outcome = "failed";
    try {
      MailboxCipher cipher = mailboxes.open(userId);
      folders.find(cipher, folderId);
      MessageWriter.Stored stored =
          writer.store(cipher, folderId, null, raw, flags, clock.instant());
      long id = stored.messageId().orElseThrow();
      outcome = "stored";
      log.info(
          "Appended message user={} folder={} message={} bytes={}",
          userId,
          folderId,
          id,
          stored.written().size());
      return id;
    } finally {
      metrics.stop(sample, "append", outcome);
    }
  }

  public void setFlag(long userId, long messageId, MessageFlag flag, boolean value) {
    if (setFlag(userId, List.of(messageId), flag, value) == 0) {
      throw messageNotFound(messageId);
    }
  }

  /**
   * Sets or clears a flag on several messages; ids of other users and unknown ids are skipped.
   * Returns how many messages matched.
   */
  public int setFlag(long userId, Collection<Long> messageIds, MessageFlag flag, boolean value) {
    if (flag == MessageFlag.SEEN) {
      return changes.setSeen(userId, messageIds, value);
    }
    return messages.setFlag(userId, messageIds, flag, value);
  }

  public void move(long userId, long messageId, long folderId) {
    MailboxCipher cipher = mailboxes.open(userId);
    folders.find(cipher, folderId);
    if (!changes.move(userId, messageId, folderId)) {
      throw messageNotFound(messageId);
    }
  }

  /**
   * Moves a message to Trash, or, when it is in Trash already, removes its row and its blob for
   * good.
   */
  public Deletion delete(long userId, long messageId) {
    MailboxCipher cipher = mailboxes.open(userId);
    Row row = row(userId, messageId);
    MailFolder trash = folders.system(cipher, FolderRole.TRASH);
    if (row.folderId() != trash.id()) {
      move(userId, messageId, trash.id());
      return Deletion.MOVED_TO_TRASH;
    }
    if (!changes.remove(userId, messageId)) {
      throw messageNotFound(messageId);
    }
    writer.deleteBlob(userId, row.blobKey());
    log.info("Removed message user={} message={}", userId, messageId);
    return Deletion.REMOVED;
  }

  private Row row(long userId, long messageId) {
    return messages.find(userId, messageId).orElseThrow(() -> messageNotFound(messageId));
  }

  private StoredMessage view(MailboxCipher cipher, Row row) {
    MessageMetadata metadata;
    try {
      metadata = MetadataCodec.decode(cipher.decryptMetadata(row.metadata(), row.blobKey()));
    } catch (RuntimeException e) {
      // The list must stay usable, so the row is shown empty and the log names it.
      log.error(
          "Metadata unreadable user={} message={}: the row was altered or its key differs",
          cipher.userId(),
          row.id(),
          e);
      metadata = unreadable();
    }
    return new StoredMessage(
        row.id(), row.folderId(), row.received(), row.size(), row.flags(), metadata);
  }

  private static MessageMetadata unreadable() {
    return new MessageMetadata(
        List.of(), List.of(), List.of(), List.of(), List.of(), null, null, null, null, List.of(),
        false, List.of(), "", false);
  }

  static NotFoundException messageNotFound(long messageId) {
    return new NotFoundException("message " + messageId + " not found");
  }
}
