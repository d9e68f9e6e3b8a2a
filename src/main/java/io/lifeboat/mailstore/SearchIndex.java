package io.lifeboat.mailstore;

import io.lifeboat.blob.BlobStore;
import io.lifeboat.mailstore.MessageRepository.Row;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Searches mailboxes through their encrypted search index, and builds the index for messages stored
 * before it existed or whose terms were lost. New messages get their terms from the {@link
 * SearchIndexer} right after they are stored. The rebuild covers the rest, starting in the
 * background when the application is ready and resuming where it stopped, because each message is
 * marked indexed in the transaction that stores its terms.
 */
@Component
class SearchIndex {

  private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);

  /** Counting a term's messages stops here: beyond it, the rarer of two terms matters little. */
  static final int TERM_COUNT_CAP = 10_000;

  private static final int REBUILD_BATCH = 100;

  /** How long a search waits for the terms of messages stored just before it. */
  private static final Duration INDEXER_WAIT = Duration.ofSeconds(2);

  private final Mailboxes mailboxes;
  private final MessageRepository messages;
  private final SearchTermRepository terms;
  private final MessageParser parser;
  private final BlobStore blobStore;
  private final TransactionTemplate transactions;
  private final SearchIndexer indexer;

  SearchIndex(
      Mailboxes mailboxes,
      MessageRepository messages,
      SearchTermRepository terms,
      MessageParser parser,
      BlobStore blobStore,
      TransactionTemplate transactions,
      SearchIndexer indexer) {
    this.mailboxes = mailboxes;
    this.messages = messages;
    this.terms = terms;
    this.parser = parser;
    this.blobStore = blobStore;
    this.transactions = transactions;
    this.indexer = indexer;
  }

  /** The matching rows, newest first, and whether more matched than were returned. */
  record Hits(List<Row> rows, boolean truncated, boolean complete) {}

  /**
   * Returns the {@code limit} most recently stored messages that contain every word, newest first.
   * {@code complete} is false while the rebuild has not reached every message of the mailbox.
   */
  Hits search(MailboxCipher cipher, Long folderId, List<String> words, int limit) {
    long userId = cipher.userId();
    // Messages stored a moment ago may still wait for their terms, so the search waits briefly.
    boolean stored = indexer.awaitStored(INDEXER_WAIT);
    boolean complete = stored && !terms.hasUnindexed(userId);
    long[] queryTerms = cipher.searchTerms(words);

    // Drive the query from the rarest term, so it reads the fewest index rows.
    int driver = 0;
    long fewest = Long.MAX_VALUE;
    for (int i = 0; i < queryTerms.length; i++) {
      long count = terms.countUpTo(userId, queryTerms[i], TERM_COUNT_CAP);
      if (count == 0) {
        return new Hits(List.of(), false, complete);
      }
      if (count < fewest) {
        fewest = count;
        driver = i;
      }
    }

    List<Long> ids = terms.matchingIds(userId, folderId, queryTerms, driver, limit + 1);
    boolean truncated = ids.size() > limit;
    List<Row> rows = messages.findAll(userId, truncated ? ids.subList(0, limit) : ids);
    return new Hits(rows, truncated, complete);
  }

  @EventListener(ApplicationReadyEvent.class)
  void startRebuild() {
    Thread.ofVirtual().name("search-index-rebuild").start(this::rebuildAll);
  }

  /**
   * Indexes every message without search terms, mailbox by mailbox; returns how many. Messages
   * stored after it starts are left to the {@link SearchIndexer}.
   */
  long rebuildAll() {
    long indexed = 0;
    try {
      long lastId = terms.lastMessageId();
      List<Long> users = terms.usersWithUnindexed(lastId);
      if (!users.isEmpty()) {
        log.info("Search index rebuild started mailboxes={}", users.size());
      }
      for (long userId : users) {
        indexed += rebuild(userId, lastId);
      }
      if (!users.isEmpty()) {
        log.info("Search index rebuild finished mailboxes={} messages={}", users.size(), indexed);
      }
    } catch (RuntimeException e) {
      log.error(
          "Search index rebuild stopped after messages={}; it resumes at the next start",
          indexed,
          e);
    }
    return indexed;
  }

  /** Indexes the messages of one mailbox that have no search terms yet; returns how many. */
  long rebuild(long userId) {
    return rebuild(userId, Long.MAX_VALUE);
  }

  /** Indexes the messages of one mailbox up to the id {@code lastId} that have no search terms. */
  private long rebuild(long userId, long lastId) {
    MailboxCipher cipher = mailboxes.open(userId);
    long indexed = 0;
    for (List<Long> batch = terms.unindexed(userId, lastId, REBUILD_BATCH);
        !batch.isEmpty();
        batch = terms.unindexed(userId, lastId, REBUILD_BATCH)) {
      for (long messageId : batch) {
        Optional<Row> row = messages.find(userId, messageId);
        if (row.isEmpty()) {
          continue;
        }
        long[] messageTerms = cipher.searchTerms(words(cipher, row.get()));
        if (Boolean.TRUE.equals(
            transactions.execute(status -> terms.replace(userId, messageId, messageTerms)))) {
          indexed++;
        }
      }
    }
    log.info("Search index rebuilt user={} messages={}", userId, indexed);
    return indexed;
  }

  /**
   * Returns the words of the raw message, or, when its blob cannot be read, the words of the stored
   * metadata, so that the message is still found by sender, recipient and subject.
   */
  private Set<String> words(MailboxCipher cipher, Row row) {
    try (InputStream blob = blobStore.open(row.blobKey());
        InputStream plain = cipher.decryptingStream(blob, row.blobKey())) {
      return parser.parse(plain).searchWords();
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Raw message unreadable for the search index user={} message={}; indexing its"
              + " metadata only",
          cipher.userId(),
          row.id(),
          e);
      return metadataWords(cipher, row);
    }
  }

  private static Set<String> metadataWords(MailboxCipher cipher, Row row) {
    try {
      MessageMetadata metadata =
          MetadataCodec.decode(cipher.decryptMetadata(row.metadata(), row.blobKey()));
      SearchWords words = new SearchWords();
      words.add(metadata.subject());
      List<MailAddress> addresses = new ArrayList<>();
      addresses.addAll(metadata.from());
      addresses.addAll(metadata.to());
      addresses.addAll(metadata.cc());
      addresses.addAll(metadata.bcc());
      for (MailAddress address : addresses) {
        words.add(address.name());
        words.add(address.address());
      }
      words.add(metadata.snippet());
      return words.words();
    } catch (RuntimeException e) {
      log.error(
          "Metadata unreadable for the search index user={} message={}; it is not searchable",
          cipher.userId(),
          row.id(),
          e);
      return new LinkedHashSet<>();
    }
  }
}
