package io.lifeboat.mailstore;

import io.lifeboat.blob.BlobStore;
import io.lifeboat.mailstore.MessageRepository.NewRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores a raw message: reads it once, feeding the parser and the encrypting blob writer from the
 * same bytes, then inserts the message row with the encrypted metadata and the folder's new counts
 * in one transaction. The search terms are stored after the commit, by {@link SearchIndexer}.
 */
@Component
class MessageWriter {

  private static final Logger log = LoggerFactory.getLogger(MessageWriter.class);

  /** A message in the blob store, ready for its row. */
  record Written(
      String blobKey,
      long size,
      MessageMetadata metadata,
      byte[] encryptedMetadata,
      long[] searchTerms,
      String parseFailure) {

    boolean parsed() {
      return parseFailure == null;
    }
  }

  /** The outcome of {@link #store}: the new message id, empty for a repeated delivery key. */
  record Stored(OptionalLong messageId, Written written) {}

  private final BlobStore blobStore;
  private final MessageParser parser;
  private final MessageRepository messages;
  private final FolderRepository folders;
  private final SearchIndexer indexer;
  private final TransactionTemplate transactions;
  private final MailstoreMetrics metrics;
  private final SecureRandom random = new SecureRandom();

  MessageWriter(
      BlobStore blobStore,
      MessageParser parser,
      MessageRepository messages,
      FolderRepository folders,
      SearchIndexer indexer,
      TransactionTemplate transactions,
      MailstoreMetrics metrics) {
    this.blobStore = blobStore;
    this.parser = parser;
    this.messages = messages;
    this.folders = folders;
    this.indexer = indexer;
    this.transactions = transactions;
    this.metrics = metrics;
  }

  /**
   * Writes the blob (see {@link #write}) and then inserts the message row. When the row is not
   * inserted, because the delivery key was stored meanwhile or the insert failed, the blob is
   * deleted again.
   *
   * <p>The order is the durability invariant: the blob is forced to disk before the row that points
   * to it is committed, so a committed row never lacks its blob. A crash between the two leaves an
   * unreferenced blob, which the mailbox's purge removes.
   */
  Stored store(
      MailboxCipher cipher,
      long folderId,
      String deliveryKey,
      InputStream raw,
      Set<MessageFlag> flags,
      Instant received)
      throws IOException {
    Written written = write(cipher, raw);
    if (!written.parsed()) {
      metrics.parseFailed();
      log.warn(
          "Message stored unparsed user={} deliveryKey={} blob={} reason={}",
          cipher.userId(),
          deliveryKey,
          written.blobKey(),
          written.parseFailure());
    }
    OptionalLong id;
    try {
      NewRow row =
          new NewRow(
              cipher.userId(),
              folderId,
              deliveryKey,
              written.blobKey(),
              written.size(),
              received,
              flags,
              written.parsed(),
              written.encryptedMetadata());
      id = transactions.execute(status -> insert(row, written.searchTerms()));
    } catch (RuntimeException e) {
      deleteBlob(cipher.userId(), written.blobKey());
      throw e;
    }
    if (id.isEmpty()) {
      deleteBlob(cipher.userId(), written.blobKey());
    }
    return new Stored(id, written);
  }

  /**
   * Inserts the row and the folder's new counts. The caller runs it in one transaction, so the
   * cached counts always match the rows. The search terms go to the {@link SearchIndexer} once that
   * transaction, or the caller's transaction that it joined, is committed.
   */
  private OptionalLong insert(NewRow row, long[] terms) {
    OptionalLong id = messages.insert(row);
    if (id.isPresent()) {
      long unread = row.flags().contains(MessageFlag.SEEN) ? 0 : 1;
      folders.addCounts(row.userId(), row.folderId(), 1, unread);
      long messageId = id.getAsLong();
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              indexer.add(row.userId(), messageId, terms);
            }
          });
    }
    return id;
  }

  /** Deletes a blob that no committed row references; a failure only leaves garbage behind. */
  void deleteBlob(long userId, String blobKey) {
    try {
      blobStore.delete(blobKey);
    } catch (IOException e) {
      log.warn(
          "Deleting blob failed user={} blob={}; it stays until the mailbox is purged",
          userId,
          blobKey,
          e);
    }
  }

  /**
   * Parses, encrypts and stores {@code raw} as a new blob of the cipher's mailbox. The blob is
   * durable on return. A message that cannot be parsed is stored all the same, with the metadata
   * read before the failure.
   */
  Written write(MailboxCipher cipher, InputStream raw) throws IOException {
    String blobKey = newBlobKey(cipher.userId());
    ParseHolder holder = new ParseHolder();
    blobStore.put(
        blobKey,
        out -> {
          try (OutputStream encrypting = cipher.encryptingStream(out, blobKey)) {
            CopyingInputStream copying = new CopyingInputStream(raw, encrypting);
            holder.result = parser.parse(copying);
            copying.drain();
            holder.size = copying.count();
          }
        });
    MessageMetadata metadata = holder.result.metadata();
    byte[] encrypted = cipher.encryptMetadata(MetadataCodec.encode(metadata), blobKey);
    long[] terms = cipher.searchTerms(holder.result.searchWords());
    return new Written(blobKey, holder.size, metadata, encrypted, terms, holder.result.failure());
  }

  /** Returns a fresh key under the mailbox's prefix, so that a purge can delete all at once. */
  private String newBlobKey(long userId) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return blobPrefix(userId) + "/" + HexFormat.of().formatHex(id);
  }

  /** Returns the blob key prefix of a mailbox's raw messages. */
  static String blobPrefix(long userId) {
    return "mailbox-" + userId;
  }

  private static final class ParseHolder {
    MessageParser.Result result;
    long size;
  }
}
