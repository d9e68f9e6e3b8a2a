package io.lifeboat.delivery;

import java.util.List;

/**
 * The SMTP envelope of a message.
 *
 * @param sender the MAIL FROM address, empty for the null sender {@code <>} of bounces
 * @param recipients the RCPT TO addresses, at least one
 * @param smtputf8 whether the message or its addresses need SMTPUTF8 (RFC 6531) to be relayed
 * @param eightBit whether the message has bytes above 127, so that a relay declares {@code
 *     BODY=8BITMIME} (RFC 6152) where the next server offers it
 */
public record Envelope(String sender, List<String> recipients, boolean smtputf8, boolean eightBit) {

  public Envelope {
    sender = sender == null ? "" : sender;
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
  }

  public boolean nullSender() {
    return sender.isEmpty();
  }
}
