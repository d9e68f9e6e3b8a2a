package io.lifeboat.delivery;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one spooled message to one relay target with Angus Mail, in a single SMTP transaction for
 * all of its recipients there, and reports the outcome per recipient.
 */
class SmtpRelay {

  private static final Logger log = LoggerFactory.getLogger(SmtpRelay.class);

  private final DeliveryProperties properties;
  private final String heloName;

  SmtpRelay(DeliveryProperties properties, String heloName) {
    this.properties = properties;
    this.heloName = heloName;
  }

  /**
   * Tries the target's hosts in order (RFC 5321 section 5.1). A host that cannot be reached or
   * greets with an error is skipped, and recipients that a host defers with a 4xx reply are tried
   * at the next host. Returns an outcome for every recipient.
   */
  Map<String, Outcome> send(RelayTarget target, QueueEntry message, Spool spool, List<String> to) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    List<String> remaining = to;
    String lastError = "no host to connect to";
    for (String host : target.hosts()) {
      Map<String, Outcome> result;
      try {
        result = sendTo(host, target, message, spool, remaining);
      } catch (ConnectFailedException e) {
        lastError = e.getMessage();
        log.debug("Connection to {} failed: {}", host, lastError);
        continue;
      }
      outcomes.putAll(result);
      remaining =
          remaining.stream()
              .filter(r -> result.get(r) == null || result.get(r).kind() == Outcome.Kind.DEFERRED)
              .toList();
      if (remaining.isEmpty()) {
        return outcomes;
      }
      log.debug("{} deferred {} recipients; trying the next host", host, remaining.size());
    }
    for (String recipient : remaining) {
      outcomes.putIfAbsent(recipient, Outcome.deferred(lastError));
    }
    return outcomes;
  }

  private Map<String, Outcome> sendTo(
      String host, RelayTarget target, QueueEntry message, Spool spool, List<String> to)
      throws ConnectFailedException {
    Session session =
        Session.getInstance(sessionProperties(host, target, message.sender(), message.smtputf8()));
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    Address[] addresses;
    try {
      addresses = addresses(to);
    } catch (AddressException e) {
      to.forEach(r -> outcomes.put(r, Outcome.bounced("553 5.1.3 invalid address: " + e.getRef())));
      return outcomes;
    }
    try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
      try {
        transport.connect(host, target.port(), target.username(), target.password());
      } catch (MessagingException e) {
        throw new ConnectFailedException(host + ":" + target.port() + ": " + describe(e));
      }
      if (message.eightBit() && transport.supportsExtension("8BITMIME")) {
        // Angus Mail appends this to MAIL FROM; it reads the property when sending.
        session.getProperties().put("mail.smtp.mailextension", "BODY=8BITMIME");
      }
      try {
        transport.sendMessage(
            new RawMessage(session, spool, message.messageId(), message.sizeBytes()), addresses);
        String reply = host + " said: " + transport.getLastServerResponse();
        to.forEach(r -> outcomes.put(r, new Outcome(Outcome.Kind.DELIVERED, reply)));
      } catch (SendFailedException e) {
        collect(e, host, to, outcomes);
      } catch (MessagingException e) {
        String detail = host + ": " + describe(e);
        to.forEach(r -> outcomes.put(r, Outcome.deferred(detail)));
      }
    } catch (MessagingException e) {
      log.debug("Closing the connection to {} failed: {}", host, e.getMessage());
    }
    return outcomes;
  }

  /** Sorts a partial failure into per-recipient outcomes from Angus' exception chain. */
  private static void collect(
      SendFailedException failure, String host, List<String> to, Map<String, Outcome> outcomes) {
    for (Exception e = failure; e != null; ) {
      if (e instanceof SMTPAddressFailedException address) {
        outcomes.put(
            address.getAddress().getAddress(),
            Outcome.ofReply(
                address.getReturnCode(), host + " said: " + address.getMessage().trim()));
      }
      e = e instanceof MessagingException m ? m.getNextException() : null;
    }
    Outcome rest;
    if (failure instanceof SMTPSendFailedException sendFailed) {
      rest =
          Outcome.ofReply(
              sendFailed.getReturnCode(), host + " said: " + sendFailed.getMessage().trim());
    } else {
      rest = Outcome.deferred(host + ": " + describe(failure));
    }
    if (failure.getValidSentAddresses() != null) {
      for (Address sent : failure.getValidSentAddresses()) {
        outcomes.put(((InternetAddress) sent).getAddress(), Outcome.delivered());
      }
    }
    for (String recipient : to) {
      outcomes.putIfAbsent(recipient, rest);
    }
  }

  private Properties sessionProperties(
      String host, RelayTarget target, String sender, boolean smtputf8) {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", Integer.toString(target.port()));
    p.put("mail.smtp.localhost", heloName);
    p.put("mail.smtp.from", sender.isEmpty() ? "<>" : sender);
    p.put("mail.smtp.sendpartial", "true");
    p.put("mail.smtp.connectiontimeout", Long.toString(properties.connectTimeout().toMillis()));
    p.put("mail.smtp.timeout", Long.toString(properties.timeout().toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(properties.timeout().toMillis()));
    p.put("mail.mime.allowutf8", Boolean.toString(smtputf8));
    switch (target.tls()) {
      case NEVER -> p.put("mail.smtp.starttls.enable", "false");
      case OPPORTUNISTIC -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
      }
      case REQUIRED -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.checkserveridentity", "true");
      }
    }
    if (target.username() != null && !target.username().isBlank()) {
      p.put("mail.smtp.auth", "true");
    }
    return p;
  }

  private static Address[] addresses(List<String> to) throws AddressException {
    List<Address> addresses = new ArrayList<>();
    for (String recipient : to) {
      InternetAddress address = new InternetAddress();
      address.setAddress(recipient);
      addresses.add(address);
    }
    return addresses.toArray(Address[]::new);
  }

  private static String describe(Exception e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).trim());
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null) {
      text.append(" (").append(cause.getMessage().trim()).append(")");
    }
    return text.toString();
  }

  /** No connection could be opened or greeted; the next host may be tried. */
  static final class ConnectFailedException extends Exception {
    ConnectFailedException(String message) {
      super(message);
    }
  }
}
