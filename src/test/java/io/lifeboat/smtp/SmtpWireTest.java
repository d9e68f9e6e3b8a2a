package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.delivery.Spool;
import io.lifeboat.testing.MailPathTest;
import io.lifeboat.testing.SmtpWire;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/** Wire-level SMTP tests on a raw socket: line endings, dot-stuffing, smuggling, pipelining. */
class SmtpWireTest extends MailPathTest {

  @Autowired Spool spool;

  private static final String SENDER = "MAIL FROM:<sender@outside.test>";
  private static final String RECIPIENT = "RCPT TO:<" + FAILOVER_USER + ">";

  /** Opens a session and starts a transaction for the failover user up to the 354 reply. */
  private SmtpWire startData() throws Exception {
    SmtpWire wire = new SmtpWire(smtpPort());
    wire.hello();
    assertThat(wire.command(SENDER)).isEqualTo("250 2.1.0 Ok");
    assertThat(wire.command(RECIPIENT)).isEqualTo("250 2.1.5 Ok");
    assertThat(wire.command("DATA")).startsWith("354 ");
    return wire;
  }

  private boolean delivered(String token) {
    return inbox(FAILOVER_USER).stream().anyMatch(m -> m.contains(token));
  }

  @Test
  void mailLoopIsRejectedByHopCount() throws Exception {
    String token = UUID.randomUUID().toString();
    String hops =
        "Received: from relay.outside.test by mx.outside.test; Fri, 4 Dec 2026 10:00:00 +0000\r\n";
    try (SmtpWire wire = startData()) {
      wire.write(
          hops.repeat(MessageReceiver.MAX_RECEIVED_HEADERS)
              + "RECEIVED: from one.more.test\r\n"
              + "Subject: loop "
              + token
              + "\r\n\r\nReceived: in the body does not count\r\n.\r\n");
      assertThat(wire.reply()).startsWith("554 5.4.6 Too many hops (51 Received headers)");
    }
    try (SmtpWire wire = startData()) {
      wire.write(
          hops.repeat(MessageReceiver.MAX_RECEIVED_HEADERS)
              + "Subject: fifty hops "
              + token
              + "\r\n\r\n"
              + "Received: lines in the body do not count\r\n".repeat(5)
              + ".\r\n");
      assertThat(wire.reply()).startsWith("250 2.0.0 Ok: queued as ");
    }
    await("delivery", () -> delivered("fifty hops " + token));
    assertThat(delivered("loop " + token)).isFalse();
  }

  @Test
  void dotStuffedLinesAreUnstuffed() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = startData()) {
      wire.write("Subject: " + token + "\r\n\r\n..leading dot\r\n...\r\nlast\r\n.\r\n");
      assertThat(wire.reply()).startsWith("250 2.0.0 Ok: queued as ");
    }
    await("delivery", () -> delivered(token));
    String stored = inbox(FAILOVER_USER).stream().filter(m -> m.contains(token)).findFirst().get();
    assertThat(stored).endsWith("\r\n\r\n.leading dot\r\n..\r\nlast\r\n");
  }

  /**
   * The end-of-data sequences of the published SMTP smuggling research (SEC Consult, December 2023)
   * and their relatives: none may end the message, and the message that contains one is rejected as
   * a whole, so the commands after it are never run.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\n.\n",
        "\n.\r\n",
        "\r.\r\n",
        "\r\n.\n",
        "\r\n.\r",
        "\r.\r",
        "\n.\r",
        "\r\n\u0000.\r\n"
      })
  void smugglingSequenceNeitherEndsDataNorStartsAMessage(String sequence) throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = startData()) {
      wire.write(
          "Subject: outer "
              + token
              + "\r\n\r\nbody"
              + sequence
              + "MAIL FROM:<spoof@example.com>\r\n"
              + RECIPIENT
              + "\r\nDATA\r\nSubject: smuggled "
              + token
              + "\r\n\r\nsmuggled\r\n.\r\n");
      assertThat(wire.reply()).startsWith("550 5.6.0 ");
      assertThat(wire.command("QUIT")).isEqualTo("221 2.0.0 Bye");
    }
    Thread.sleep(500);
    assertThat(delivered(token)).isFalse();
  }

  @Test
  void storageFailureGetsTemporaryError() throws Exception {
    String token = UUID.randomUUID().toString();
    jdbc.sql("ALTER TABLE queue_recipient RENAME TO queue_recipient_hidden").update();
    try (SmtpWire wire = startData()) {
      wire.write("Subject: " + token + "\r\n\r\nnot stored\r\n.\r\n");
      assertThat(wire.reply()).isEqualTo("451 4.3.0 Message could not be stored, try again later");
    } finally {
      jdbc.sql("ALTER TABLE queue_recipient_hidden RENAME TO queue_recipient").update();
    }
    Thread.sleep(500);
    assertThat(delivered(token)).isFalse();
    try (var files = Files.list(DATA_DIR.resolve("spool"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        try (var in = spool.open(file.getFileName().toString())) {
          String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          assertThat(content).as("spool file " + file).doesNotContain(token);
        } catch (NoSuchFileException delivered) {
          // Delivered and removed meanwhile; it was another test's message.
        }
      }
    }
  }

  @Test
  void nulByteIsRejected() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = startData()) {
      wire.write("Subject: " + token + "\r\n\r\nnul \u0000 here\r\n.\r\n");
      assertThat(wire.reply())
          .isEqualTo(
              "550 5.6.0 Message contains a NUL byte; end every line with CRLF and send no NUL bytes");
      assertThat(wire.command("NOOP")).isEqualTo("250 2.0.0 Ok");
    }
  }

  @Test
  void bareLfInCommandIsRejected() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.write(SENDER + "\nNOOP\r\n");
      assertThat(wire.reply()).startsWith("501 Syntax error");
    }
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrder() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.write(
          SENDER
              + "\r\n"
              + RECIPIENT
              + "\r\nRCPT TO:<nobody@example.com>\r\n"
              + "RCPT TO:<someone@foreign.test>\r\nDATA\r\n");
      assertThat(wire.reply()).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.reply()).isEqualTo("250 2.1.5 Ok");
      assertThat(wire.reply()).startsWith("550 5.1.1 ");
      assertThat(wire.reply()).startsWith("550 5.7.1 ");
      assertThat(wire.reply()).startsWith("354 ");
      wire.write("Subject: " + token + "\r\n\r\npipelined\r\n.\r\nNOOP\r\nQUIT\r\n");
      assertThat(wire.reply()).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(wire.reply()).isEqualTo("250 2.0.0 Ok");
      assertThat(wire.reply()).isEqualTo("221 2.0.0 Bye");
    }
    await("delivery", () -> delivered(token));
  }

  @Test
  void startTlsDiscardsCommandsPipelinedInClearText() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.write("STARTTLS\r\nRSET\r\n");
      assertThat(wire.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
      SSLSocket tls =
          (SSLSocket)
              trustAll()
                  .getSocketFactory()
                  .createSocket(wire.socket(), "127.0.0.1", smtpPort(), true);
      tls.startHandshake();
      wire.use(tls);
      assertThat(wire.command(SENDER)).isEqualTo("503 5.5.1 Error: send EHLO or HELO first");
      String ehlo = wire.command("EHLO client.test");
      assertThat(ehlo).startsWith("250-mx.lifeboat.test");
      assertThat(ehlo).doesNotContain("STARTTLS");
    }
  }

  @Test
  void declaredSizeOverLimitIsRejectedAtMail() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test> SIZE=2000000"))
          .startsWith("552 5.3.4 ");
    }
  }

  @Test
  void oversizedDataIsRejectedAndSessionGoesOn() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = startData()) {
      wire.write("Subject: " + token + "\r\n\r\n");
      byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 1200; i++) {
        wire.write(line);
      }
      wire.write(".\r\n");
      assertThat(wire.reply()).startsWith("552 5.3.4 ");
      assertThat(wire.command("NOOP")).isEqualTo("250 2.0.0 Ok");
    }
    Thread.sleep(500);
    assertThat(delivered(token)).isFalse();
  }

  @Test
  void tooManyRecipientsAreDeferred() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.command(SENDER);
      for (int i = 0; i < 20; i++) {
        assertThat(wire.command(RECIPIENT)).isEqualTo("250 2.1.5 Ok");
      }
      assertThat(wire.command(RECIPIENT)).startsWith("452 4.5.3 ");
    }
  }

  @Test
  void truncatedDataIsNotQueued() throws Exception {
    String token = UUID.randomUUID().toString();
    try (SmtpWire wire = startData()) {
      wire.write("Subject: " + token + "\r\n\r\nthe connection drops here\r\n");
    }
    Thread.sleep(1000);
    assertThat(delivered(token)).isFalse();
  }

  @Test
  void commandsOutOfOrderAreRejected() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.reply();
      assertThat(wire.command(SENDER)).startsWith("503 5.5.1 ");
      wire.command("EHLO client.test");
      assertThat(wire.command(RECIPIENT)).startsWith("503 5.5.1 ");
      assertThat(wire.command("DATA")).startsWith("503 5.5.1 ");
      assertThat(wire.command(SENDER)).isEqualTo("250 2.1.0 Ok");
      assertThat(wire.command("DATA")).startsWith("554 5.5.1 ");
      assertThat(wire.command("MAIL FROM:<other@outside.test> BODY=BINARYMIME"))
          .startsWith("503 5.5.1 ");
      assertThat(wire.command("RSET")).isEqualTo("250 2.0.0 Ok");
      assertThat(wire.command("MAIL FROM:<other@outside.test> BODY=BINARYMIME"))
          .startsWith("555 5.5.4 ");
      assertThat(wire.command("MAIL FROM:<>")).isEqualTo("250 2.1.0 Ok");
    }
  }

  @Test
  void utf8AddressNeedsSmtputf8() throws Exception {
    try (SmtpWire wire = new SmtpWire(smtpPort())) {
      wire.hello();
      wire.write("MAIL FROM:<j\u00f6rg@outside.test>\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(wire.reply()).startsWith("553 5.6.7 ");
      wire.write(
          "MAIL FROM:<j\u00f6rg@outside.test> SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(wire.reply()).isEqualTo("250 2.1.0 Ok");
    }
  }

  private static SSLContext trustAll() throws Exception {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trustAll}, null);
    return context;
  }
}
