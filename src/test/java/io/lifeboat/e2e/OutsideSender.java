package io.lifeboat.e2e;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * A mail server of the outside world that hands mail to Lifeboat's inbound SMTP on 127.0.0.1, with
 * Angus Mail's SMTP client.
 */
public final class OutsideSender {

  private final Session session;

  public OutsideSender(int smtpPort) {
    Properties properties = new Properties();
    properties.put("mail.smtp.host", "127.0.0.1");
    properties.put("mail.smtp.port", Integer.toString(smtpPort));
    properties.put("mail.smtp.localhost", "outside.test");
    properties.put("mail.smtp.connectiontimeout", "10000");
    properties.put("mail.smtp.timeout", "30000");
    session = Session.getInstance(properties);
  }

  /**
   * Sends a plain-text message and returns its Message-ID. Throws when Lifeboat rejects the sender,
   * a recipient or the message, so a returned id means the reply to DATA was 250.
   */
  public String send(String from, String to, String subject, String text)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(from));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
    message.setSubject(subject, "UTF-8");
    message.setText(text, "UTF-8");
    message.saveChanges();
    Transport.send(message);
    return message.getMessageID();
  }
}
