package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testing.FakeSmtpServer;
import io.lifeboat.testing.MailPathTest;
import io.lifeboat.testing.SmtpWire;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;

/** SMTP conversations through Angus Mail, the way a sending mail server talks to Lifeboat. */
class SmtpConversationTest extends MailPathTest {

  private Session session(boolean starttls) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", Integer.toString(smtpPort()));
    p.put("mail.smtp.localhost", "sender.test");
    p.put("mail.smtp.timeout", "10000");
    p.put("mail.smtp.from", "sender@outside.test");
    if (starttls) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
      p.put("mail.smtp.ssl.trust", "*");
      p.put("mail.smtp.ssl.checkserveridentity", "false");
    }
    return Session.getInstance(p);
  }

  private MimeMessage message(Session session, String subject, String body, String... to)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@outside.test"));
    for (String recipient : to) {
      message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
    }
    message.setSubject(subject);
    message.setText(body);
    return message;
  }

  @Test
  void messageToFailoverUserLandsInStandbyInbox() throws Exception {
    Session session = session(false);
    Transport.send(message(session, "Standby test", "Hello standby", FAILOVER_USER));

    await(
        "delivery to the standby inbox",
        () -> inbox(FAILOVER_USER).stream().anyMatch(m -> m.contains("Standby test")));
    String stored =
        inbox(FAILOVER_USER).stream()
            .filter(m -> m.contains("Standby test"))
            .findFirst()
            .orElseThrow();
    assertThat(stored).startsWith("Received: from sender.test ([127.0.0.1])");
    assertThat(stored).contains("by mx.lifeboat.test (Lifeboat) with ESMTP id ");
    assertThat(stored).contains("for <" + FAILOVER_USER + ">;");
    assertThat(stored).contains("Hello standby");
    assertThat(PRIMARY.received()).isEmpty();
  }

  @Test
  void mailWithoutFailoverGoesToPrimary() throws Exception {
    Session session = session(false);
    Transport.send(message(session, "Primary test", "Hello primary", PRIMARY_USER));

    await("relay to the primary server", () -> !PRIMARY.received().isEmpty());
    FakeSmtpServer.Received relayed = PRIMARY.received().get(0);
    assertThat(relayed.sender()).isEqualTo("sender@outside.test");
    assertThat(relayed.recipients()).containsExactly(PRIMARY_USER);
    assertThat(relayed.text()).contains("Subject: Primary test");
    assertThat(relayed.text()).contains("with ESMTP id ");
  }

  @Test
  void messageWithBothKindsOfRecipientsIsSplit() throws Exception {
    Session session = session(false);
    Transport.send(message(session, "Split test", "Hello both", FAILOVER_USER, PRIMARY_USER));

    await("relay to the primary server", () -> !PRIMARY.received().isEmpty());
    await(
        "delivery to the standby inbox",
        () -> inbox(FAILOVER_USER).stream().anyMatch(m -> m.contains("Split test")));
    assertThat(PRIMARY.received().get(0).recipients()).containsExactly(PRIMARY_USER);
    await("the queue to empty", () -> queuedMessages() == 0);
  }

  @Test
  void rcptToForeignDomainIsRejected() throws Exception {
    Session session = session(false);
    SendFailedException failure = sendExpectingFailure(session, "relay@foreign.test");
    SMTPAddressFailedException address = (SMTPAddressFailedException) failure.getNextException();
    assertThat(address.getReturnCode()).isEqualTo(550);
    assertThat(address.getMessage()).contains("5.7.1");
  }

  @Test
  void rcptToUnknownUserIsRejected() throws Exception {
    SendFailedException failure = sendExpectingFailure(session(false), "nobody@example.com");
    SMTPAddressFailedException address = (SMTPAddressFailedException) failure.getNextException();
    assertThat(address.getReturnCode()).isEqualTo(550);
    assertThat(address.getMessage()).contains("5.1.1");
  }

  @Test
  void rcptToDeletedUserIsRejected() throws Exception {
    SendFailedException failure = sendExpectingFailure(session(false), DELETED_USER);
    SMTPAddressFailedException address = (SMTPAddressFailedException) failure.getNextException();
    assertThat(address.getReturnCode()).isEqualTo(550);
    assertThat(address.getMessage()).contains("5.1.1");
  }

  @Test
  void barePostmasterWithoutSettingIsRejected() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).startsWith("250 ");
      String reply = wire.command("RCPT TO:<Postmaster>");
      assertThat(reply).startsWith("550 5.1.1 <postmaster>: ");
      assertThat(reply).contains("no postmaster address");
      assertThat(reply).contains("lifeboat.smtp.postmaster");
      assertThat(wire.command("RCPT TO:<" + PRIMARY_USER + ">")).isEqualTo("250 2.1.5 Ok");
    }
  }

  @Test
  void messageIsAcceptedOverStartTls() throws Exception {
    Session session = session(true);
    Transport.send(message(session, "TLS test", "Hello over TLS", FAILOVER_USER));

    await(
        "delivery over TLS",
        () -> inbox(FAILOVER_USER).stream().anyMatch(m -> m.contains("TLS test")));
    String stored =
        inbox(FAILOVER_USER).stream().filter(m -> m.contains("TLS test")).findFirst().orElseThrow();
    assertThat(stored).contains("with ESMTPS id ");
  }

  private SendFailedException sendExpectingFailure(Session session, String recipient)
      throws MessagingException {
    try {
      Transport.send(message(session, "Rejected", "never stored", recipient));
    } catch (SendFailedException e) {
      assertThat(e.getValidSentAddresses()).isNullOrEmpty();
      return e;
    }
    throw new AssertionError("the message to " + recipient + " was accepted");
  }

  @Test
  void ehloListsTheExtensions() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      List<String> lines = List.of(wire.hello().split("\n"));
      assertThat(lines.get(0)).isEqualTo("250-mx.lifeboat.test");
      assertThat(lines)
          .contains(
              "250-PIPELINING",
              "250-SIZE 1048576",
              "250-8BITMIME",
              "250-SMTPUTF8",
              "250-STARTTLS",
              "250 ENHANCEDSTATUSCODES");
      assertThat(lines).noneMatch(line -> line.contains("CHUNKING"));
    }
  }
}
