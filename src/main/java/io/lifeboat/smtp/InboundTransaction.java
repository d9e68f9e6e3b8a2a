package io.lifeboat.smtp;

import io.lifeboat.routing.Router;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.Session;

/**
 * The state of one mail transaction, from MAIL to the end of DATA or RSET. The library creates one
 * per MAIL command; the commands of this package fill it and hand it to {@link MessageReceiver}.
 */
final class InboundTransaction implements MessageHandler {

  private final Session session;
  private final MessageReceiver receiver;
  private final List<String> recipients = new ArrayList<>();

  /** Accepted RCPT commands, repeats included, which is what the recipient limit counts. */
  private int acceptedRecipients;

  private String sender;
  private boolean smtputf8;
  private long declaredSize;

  InboundTransaction(MessageContext context, MessageReceiver receiver) {
    this.session = (Session) context;
    this.receiver = receiver;
  }

  void begin(String sender, boolean smtputf8, long declaredSize) {
    this.sender = sender;
    this.smtputf8 = smtputf8;
    this.declaredSize = declaredSize;
  }

  /**
   * Adds a recipient when the receiver accepts it. A recipient that is already in the transaction,
   * in any case, gets {@code 250} again but is not added twice, so the message is delivered to it
   * once.
   */
  Reply addRecipient(String address) {
    Reply reply = receiver.checkRecipient(this, address);
    if (reply.positive()) {
      addOnce(address);
    }
    return reply;
  }

  /**
   * Adds the bare postmaster recipient when the receiver accepts it. Its copy is queued for the
   * address in {@code lifeboat.smtp.postmaster}, once however often the client names it.
   */
  Reply addPostmaster() {
    Reply reply = receiver.checkPostmaster(this);
    if (reply.positive()) {
      addOnce(receiver.postmasterAddress());
    }
    return reply;
  }

  private void addOnce(String address) {
    acceptedRecipients++;
    String normalized = Router.normalize(address);
    if (recipients.stream().noneMatch(r -> Router.normalize(r).equals(normalized))) {
      recipients.add(address);
    }
  }

  /**
   * Receives the message. {@code mayStore} is called once the whole message is read, and when it
   * returns false the message is not stored.
   */
  Reply receive(InputStream data, BooleanSupplier mayStore) throws java.io.IOException {
    return receiver.receive(this, data, mayStore);
  }

  String sender() {
    return sender;
  }

  boolean smtputf8() {
    return smtputf8;
  }

  long declaredSize() {
    return declaredSize;
  }

  List<String> recipients() {
    return recipients;
  }

  int acceptedRecipients() {
    return acceptedRecipients;
  }

  String sessionId() {
    return session.getSessionId();
  }

  String helo() {
    return session.getHelo().orElse(null);
  }

  boolean tls() {
    return session.isTLSStarted();
  }

  String clientIp() {
    InetSocketAddress remote = session.getRemoteAddress();
    return remote.getAddress() == null
        ? remote.getHostString()
        : remote.getAddress().getHostAddress();
  }

  /** Rejects the call: the commands of this package use the methods above instead. */
  @Override
  public void from(String from) {
    throw new UnsupportedOperationException("MAIL is handled by MailCommand");
  }

  @Override
  public void recipient(String recipient) {
    throw new UnsupportedOperationException("RCPT is handled by RcptCommand");
  }

  @Override
  public String data(InputStream data) {
    throw new UnsupportedOperationException("DATA is handled by DataCommand");
  }

  @Override
  public void done() {
    recipients.clear();
    acceptedRecipients = 0;
  }
}
