package io.lifeboat.smtp;

import io.lifeboat.delivery.Envelope;
import io.lifeboat.delivery.MessageQueue;
import io.lifeboat.delivery.Origin;
import io.lifeboat.delivery.Spool;
import io.lifeboat.routing.Route;
import io.lifeboat.routing.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The policy and storage side of inbound SMTP: checks each recipient against the directory and
 * stores each message durably before it is confirmed.
 */
@Component
class MessageReceiver {

  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);

  /** Size of the copy buffer between DATA and the spool; {@link SmtpDataStream} reads 8 KiB. */
  private static final int BUFFER_BYTES = 16 * 1024;

  /** Received headers that a message may arrive with; Postfix's hop count limit is also 50. */
  static final int MAX_RECEIVED_HEADERS = 50;

  private static final Reply DIRECTORY_UNAVAILABLE =
      new Reply(451, "4.3.0 Directory unavailable, try again later");

  private final Router router;
  private final MessageQueue queue;
  private final SmtpProperties properties;
  private final SmtpMetrics metrics;
  private final Clock clock;

  MessageReceiver(
      Router router,
      MessageQueue queue,
      SmtpProperties properties,
      SmtpMetrics metrics,
      Clock clock) {
    this.router = router;
    this.queue = queue;
    this.properties = properties;
    this.metrics = metrics;
    this.clock = clock;
  }

  long maxMessageSize() {
    return properties.maxMessageSize().toBytes();
  }

  int maxRecipients() {
    return properties.maxRecipients();
  }

  /**
   * Accepts only users of hosted domains that exist and are not deleted: a domain that no customer
   * hosts gets {@code 550 5.7.1}, so the server is never an open relay.
   */
  Reply checkRecipient(InboundTransaction transaction, String address) {
    Route route = lookUp(transaction, address, false);
    if (route == null) {
      return DIRECTORY_UNAVAILABLE;
    }
    if (route instanceof Route.Rejected rejected) {
      Reply reply = parse(rejected.reply());
      metrics.rejectedRecipient(reply.code());
      log.info(
          "Rejected recipient session={} client={} to=<{}>: {}",
          transaction.sessionId(),
          transaction.clientIp(),
          address,
          reply);
      return reply;
    }
    return new Reply(250, "2.1.5 Ok");
  }

  /** Returns the address that mail for the bare postmaster is queued for, empty when unset. */
  String postmasterAddress() {
    return properties.postmaster();
  }

  /**
   * Checks the bare {@code RCPT TO:<postmaster>}, which RFC 5321 section 4.5.1 requires a server to
   * accept. Lifeboat has no mailbox of its own, so it accepts it only when {@code
   * lifeboat.smtp.postmaster} names an address to queue it for, and that address can be routed.
   */
  Reply checkPostmaster(InboundTransaction transaction) {
    String address = properties.postmaster();
    if (address.isEmpty()) {
      metrics.rejectedRecipient(550);
      log.info(
          "Rejected recipient session={} client={} to=<postmaster>: lifeboat.smtp.postmaster is"
              + " not set",
          transaction.sessionId(),
          transaction.clientIp());
      return new Reply(
          550,
          "5.1.1 <postmaster>: this server has no postmaster address; its operator can set one"
              + " with lifeboat.smtp.postmaster");
    }
    Route route = lookUp(transaction, address, true);
    if (route == null) {
      return DIRECTORY_UNAVAILABLE;
    }
    if (route instanceof Route.Rejected rejected) {
      // A configuration error, such as an unknown user of a hosted domain. A temporary failure
      // keeps the sender's message until the operator mends the setting.
      metrics.rejectedRecipient(451);
      log.error(
          "Rejected recipient session={} client={} to=<postmaster>: lifeboat.smtp.postmaster=<{}>"
              + " cannot be routed ({}); set it to a deliverable address",
          transaction.sessionId(),
          transaction.clientIp(),
          address,
          rejected.reply());
      return new Reply(451, "4.3.0 <postmaster>: postmaster address is not deliverable, try later");
    }
    log.info(
        "Accepted recipient session={} client={} to=<postmaster>: queued for <{}> ({} route)",
        transaction.sessionId(),
        transaction.clientIp(),
        address,
        route.name());
    return new Reply(250, "2.1.5 Ok");
  }

  /** Routes {@code address}, or returns null after logging when the directory cannot be read. */
  private Route lookUp(InboundTransaction transaction, String address, boolean external) {
    try {
      return router.route(address, external);
    } catch (DataAccessException e) {
      log.error(
          "Recipient lookup failed session={} to=<{}>; replied 451",
          transaction.sessionId(),
          address,
          e);
      return null;
    }
  }

  /**
   * Receives DATA into a spool file and queues it. The {@code 250} reply is returned only after the
   * spool file and the queue rows are on disk: that is what lets the client forget the message. Any
   * storage failure therefore becomes {@code 451 4.3.0}, and the client retries later. When {@code
   * mayStore} returns false once the message is read, because the listener is closing, the message
   * is not stored and gets {@code 421 4.3.2}.
   */
  Reply receive(InboundTransaction transaction, InputStream data, BooleanSupplier mayStore)
      throws IOException {
    String queueId = queue.newId();
    MDC.put("queueId", queueId);
    Spool.Draft draft = null;
    try {
      IOException storageFailure = null;
      try {
        draft = queue.draft();
        draft.output().write(receivedHeader(transaction, queueId).getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        storageFailure = e;
      }
      DataGuard guard = new DataGuard(data);
      SpoolSink sink =
          new SpoolSink(draft == null ? null : draft.output(), maxMessageSize(), storageFailure);
      byte[] buffer = new byte[BUFFER_BYTES];
      int n;
      while ((n = guard.read(buffer)) != -1) {
        sink.write(buffer, n);
      }

      Reply rejection = checkContent(transaction, queueId, guard, sink.tooLarge());
      if (rejection != null) {
        return rejection;
      }
      if (sink.failure() != null) {
        return storageFailed(transaction, queueId, sink.failure());
      }
      if (!mayStore.getAsBoolean()) {
        log.info(
            "Message not stored queue={} session={}: the listener is shutting down; replied 421",
            queueId,
            transaction.sessionId());
        return new Reply(
            421, "4.3.2 Service shutting down, message not stored; send it again later");
      }
      return store(transaction, queueId, draft, guard.count(), guard.eightBit());
    } finally {
      if (draft != null) {
        draft.close();
      }
      MDC.remove("queueId");
    }
  }

  /**
   * The destination of DATA: the spool draft until the size limit or a failed write. After either,
   * the rest of DATA is read and discarded, so the client still gets its reply after the final dot
   * and the excess of an oversized message is never buffered.
   */
  private static final class SpoolSink {
    private final OutputStream out;
    private final long limit;
    private long written;
    private boolean tooLarge;
    private IOException failure;

    SpoolSink(OutputStream out, long limit, IOException failure) {
      this.out = out;
      this.limit = limit;
      this.failure = failure;
    }

    void write(byte[] buffer, int length) {
      if (tooLarge || failure != null) {
        return;
      }
      if (written + length > limit) {
        tooLarge = true;
        return;
      }
      try {
        out.write(buffer, 0, length);
        written += length;
      } catch (IOException e) {
        failure = e;
      }
    }

    boolean tooLarge() {
      return tooLarge;
    }

    IOException failure() {
      return failure;
    }
  }

  private Reply storageFailed(InboundTransaction transaction, String queueId, Exception e) {
    metrics.rejectedMessage("storage");
    log.error(
        "Storing message failed queue={} session={}; replied 451 so the client retries",
        queueId,
        transaction.sessionId(),
        e);
    return new Reply(451, "4.3.0 Message could not be stored, try again later");
  }

  private Reply checkContent(
      InboundTransaction transaction, String queueId, DataGuard guard, boolean tooLarge) {
    if (tooLarge) {
      metrics.rejectedMessage("size");
      log.info(
          "Rejected message queue={} session={} client={}: larger than {} bytes",
          queueId,
          transaction.sessionId(),
          transaction.clientIp(),
          maxMessageSize());
      return new Reply(552, "5.3.4 Message size exceeds fixed limit of " + maxMessageSize());
    }
    if (guard.receivedHeaders() > MAX_RECEIVED_HEADERS) {
      // RFC 5321 section 6.3: a message that passed this many relays is in a loop, for example a
      // primary server that forwards its domain's mail back to Lifeboat. Rejecting it ends the
      // loop with a bounce instead of relaying it forever.
      metrics.rejectedMessage("loop");
      log.warn(
          "Rejected message queue={} session={} client={} from=<{}>: {} Received headers, mail"
              + " loop",
          queueId,
          transaction.sessionId(),
          transaction.clientIp(),
          transaction.sender(),
          guard.receivedHeaders());
      return new Reply(
          554,
          "5.4.6 Too many hops ("
              + guard.receivedHeaders()
              + " Received headers): mail loop; check where the domain's mail is forwarded");
    }
    String violation = guard.violation();
    if (violation != null) {
      metrics.rejectedMessage("line-ending");
      log.info(
          "Rejected message queue={} session={} client={}: DATA contains a {}",
          queueId,
          transaction.sessionId(),
          transaction.clientIp(),
          violation);
      return new Reply(
          550,
          "5.6.0 Message contains a "
              + violation
              + "; end every line with CRLF and send no NUL bytes");
    }
    return null;
  }

  private Reply store(
      InboundTransaction transaction,
      String queueId,
      Spool.Draft draft,
      long dataBytes,
      boolean eightBit) {
    Envelope envelope =
        new Envelope(
            transaction.sender(), transaction.recipients(), transaction.smtputf8(), eightBit);
    long started = System.nanoTime();
    try {
      queue.accept(
          queueId,
          draft,
          envelope,
          Origin.SMTP,
          dataBytes,
          transaction.sessionId(),
          transaction.clientIp());
    } catch (IOException | RuntimeException e) {
      return storageFailed(transaction, queueId, e);
    } finally {
      metrics
          .store()
          .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    metrics.accepted();
    log.info(
        "Accepted message queue={} session={} client={} from=<{}> recipients={} size={}",
        queueId,
        transaction.sessionId(),
        transaction.clientIp(),
        transaction.sender(),
        transaction.recipients().size(),
        dataBytes);
    return new Reply(250, "2.0.0 Ok: queued as " + queueId);
  }

  private String receivedHeader(InboundTransaction transaction, String queueId) {
    String protocol = transaction.smtputf8() ? "UTF8SMTP" : "ESMTP";
    if (transaction.tls()) {
      protocol += "S";
    }
    return ReceivedHeader.format(
        transaction.helo(),
        transaction.clientIp(),
        properties.hostname(),
        protocol,
        queueId,
        transaction.recipients(),
        ZonedDateTime.now(clock));
  }

  /** Splits a reply such as {@code 550 5.1.1 text} into code and text. */
  static Reply parse(String reply) {
    return new Reply(Integer.parseInt(reply.substring(0, 3)), reply.substring(4));
  }
}
