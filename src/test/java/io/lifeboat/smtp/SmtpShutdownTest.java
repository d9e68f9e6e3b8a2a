package io.lifeboat.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testing.CrashChild;
import io.lifeboat.testing.SmtpWire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closes the application while SMTP sessions are open: a DATA in progress still gets its {@code
 * 250} and stays in the queue on disk, new sessions and commands get {@code 421 4.3.2}, and
 * sessions that wait for a command get the same reply before their connection closes.
 */
class SmtpShutdownTest {

  private static final String SHUTDOWN_REPLY =
      "421 4.3.2 mx.shutdown.test Service shutting down, try again later";

  @TempDir Path data;

  @Test
  void closeDrainsSessionsWith421() throws Exception {
    ConfigurableApplicationContext context = start();
    int port = context.getBean(SmtpListener.class).port();
    SmtpWire inData = new SmtpWire(port);
    SmtpWire idle = new SmtpWire(port);
    Thread closing = null;
    try {
      inData.hello();
      assertThat(inData.command("MAIL FROM:<sender@outside.test>")).startsWith("250 ");
      assertThat(inData.command("RCPT TO:<" + CrashChild.USER + ">")).startsWith("250 ");
      assertThat(inData.command("DATA")).startsWith("354 ");
      inData.write("Subject: shutdown\r\n\r\nfirst half of the body\r\n");
      idle.hello();

      closing = Thread.ofPlatform().start(context::close);
      String greeting = awaitRefusedGreeting(port);

      assertThat(greeting).isEqualTo(SHUTDOWN_REPLY);
      assertThat(idle.command("MAIL FROM:<sender@outside.test>")).isEqualTo(SHUTDOWN_REPLY);
      String reply = inData.write("second half of the body\r\n").command(".");
      assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
      assertThat(inData.reply()).as("reply once the session waits again").isEqualTo(SHUTDOWN_REPLY);
      closing.join(Duration.ofSeconds(60));
      assertThat(closing.isAlive()).as("context still closing").isFalse();
      String queueId = reply.substring("250 2.0.0 Ok: queued as ".length());
      assertThat(data.resolve("data").resolve("spool").resolve(queueId))
          .as("spool file of the message confirmed while draining")
          .exists();
    } finally {
      inData.close();
      idle.close();
      if (closing == null) {
        context.close();
      }
    }
  }

  @Test
  void idleSessionsGet421WhenListenerStops() throws Exception {
    ConfigurableApplicationContext context = start();
    int port = context.getBean(SmtpListener.class).port();
    SmtpWire greeted = new SmtpWire(port);
    SmtpWire inTransaction = new SmtpWire(port);
    Thread closing = null;
    try {
      assertThat(greeted.reply()).startsWith("220 ");
      inTransaction.hello();
      assertThat(inTransaction.command("MAIL FROM:<sender@outside.test>")).startsWith("250 ");
      assertThat(inTransaction.command("RCPT TO:<" + CrashChild.USER + ">")).startsWith("250 ");

      closing = Thread.ofPlatform().start(context::close);

      assertThat(greeted.reply()).isEqualTo(SHUTDOWN_REPLY);
      assertThat(greeted.reply()).as("end of stream after the reply").isNull();
      assertThat(inTransaction.reply()).isEqualTo(SHUTDOWN_REPLY);
      assertThat(inTransaction.reply()).as("end of stream after the reply").isNull();
      closing.join(Duration.ofSeconds(60));
      assertThat(closing.isAlive()).as("context still closing").isFalse();
    } finally {
      greeted.close();
      inTransaction.close();
      if (closing == null) {
        context.close();
      }
    }
  }

  @Test
  void dataEndedAfterGateClosedIsNotStored() throws Exception {
    ConfigurableApplicationContext context = start();
    SmtpListener listener = context.getBean(SmtpListener.class);
    try (SmtpWire wire = new SmtpWire(listener.port())) {
      wire.hello();
      assertThat(wire.command("MAIL FROM:<sender@outside.test>")).startsWith("250 ");
      assertThat(wire.command("RCPT TO:<" + CrashChild.USER + ">")).startsWith("250 ");
      assertThat(wire.command("DATA")).startsWith("354 ");
      wire.write("Subject: late\r\n\r\nthe final dot comes after the gate closed\r\n");

      // As at the end of the shutdown grace: from now on no message may be stored.
      assertThat(listener.drainState().gate().close(Duration.ZERO)).isZero();

      assertThat(wire.command("."))
          .isEqualTo("421 4.3.2 Service shutting down, message not stored; send it again later");
      try (Stream<Path> spool = Files.list(data.resolve("data").resolve("spool"))) {
        assertThat(spool.filter(Files::isRegularFile).toList()).as("spool files").isEmpty();
      }
    } finally {
      context.close();
    }
  }

  /** Connects until the listener greets with a rejection, which it does once it drains. */
  private static String awaitRefusedGreeting(int port) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      try (SmtpWire probe = new SmtpWire(port)) {
        String greeting = probe.reply();
        if (greeting != null && !greeting.startsWith("220")) {
          return greeting;
        }
        probe.command("QUIT");
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the listener never refused a new session while closing");
  }

  private ConfigurableApplicationContext start() throws Exception {
    Files.createDirectories(data.resolve("data"));
    ConfigurableApplicationContext context =
        CrashChild.startApplication(
            "--lifeboat.data-dir=" + data.resolve("data"),
            "--server.port=0",
            "--lifeboat.smtp.port=0",
            "--lifeboat.sftp.port=0",
            "--lifeboat.smtp.hostname=mx.shutdown.test",
            "--lifeboat.smtp.shutdown-grace=PT20S",
            "--lifeboat.delivery.enabled=false",
            "--LIFEBOAT_OPERATOR_PASSWORD=shutdown-operator",
            "--spring.main.banner-mode=off");
    CrashChild.createUserOnce(context);
    return context;
  }
}
