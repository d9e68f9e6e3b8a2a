package io.lifeboat.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The entry to the delivery queue for inbound SMTP, notifications, bounces and the webmail. A
 * message is queued once its spool file is on disk and its rows are committed. Until then the
 * caller must not confirm the message to anyone.
 */
@Service
public class MessageQueue {

  private static final Logger log = LoggerFactory.getLogger(MessageQueue.class);

  private final Spool spool;
  private final QueueRepository repository;
  private final GroupCommitter groupCommitter;
  private final QueueSignal signal;
  private final Clock clock;

  public MessageQueue(
      Spool spool,
      QueueRepository repository,
      GroupCommitter groupCommitter,
      QueueSignal signal,
      Clock clock) {
    this.spool = spool;
    this.repository = repository;
    this.groupCommitter = groupCommitter;
    this.signal = signal;
    this.clock = clock;
  }

  /** Returns a fresh queue id, for callers that write it into the message first. */
  public String newId() {
    return QueueIds.next(clock.millis());
  }

  /** Starts a spool file for a message that will be queued with {@link #accept}. */
  public Spool.Draft draft() throws IOException {
    return spool.create();
  }

  /**
   * Queues a written draft under {@code queueId}: flushes it to disk, then inserts its rows. Joins
   * the caller's transaction when there is one, and otherwise commits through the {@link
   * GroupCommitter}. On a failure the spool file is removed and {@link QueueUnavailableException}
   * is raised, so the caller replies with a temporary error.
   */
  public void accept(
      String queueId,
      Spool.Draft draft,
      Envelope envelope,
      Origin origin,
      long sizeBytes,
      String sessionId,
      String clientAddress)
      throws IOException {
    Instant received = clock.instant();
    QueueRepository.SealedRows rows =
        repository.seal(queueId, envelope, origin, sizeBytes, sessionId, clientAddress, received);
    draft.commit(queueId);
    Runnable insert = () -> repository.insert(rows);
    try {
      if (TransactionSynchronizationManager.isActualTransactionActive()) {
        spool.syncFolder();
        insert.run();
      } else {
        groupCommitter.commit(insert);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(queueId);
      throw new QueueUnavailableException("storing queue rows failed for queue id " + queueId, e);
    }
    signal.notifyQueued();
  }

  /** Writes a message with {@code writer} and queues it; returns its queue id. */
  public String submit(Envelope envelope, Origin origin, MessageWriter writer) throws IOException {
    String queueId = newId();
    try (Spool.Draft draft = spool.create()) {
      CountingOutputStream counted = new CountingOutputStream(draft.output());
      writer.write(queueId, counted);
      counted.flush();
      accept(queueId, draft, envelope, origin, counted.count(), null, null);
    }
    return queueId;
  }

  private void deleteQuietly(String queueId) {
    try {
      spool.delete(queueId);
    } catch (IOException e) {
      log.warn("Spool file queue={} could not be deleted; it is removed later", queueId, e);
    }
  }

  /** Writes the raw RFC 5322 message, with CRLF line endings, for a queue id. */
  @FunctionalInterface
  public interface MessageWriter {
    void write(String queueId, OutputStream out) throws IOException;
  }

  /** Counts the bytes passing through. */
  static final class CountingOutputStream extends java.io.FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }
  }
}
