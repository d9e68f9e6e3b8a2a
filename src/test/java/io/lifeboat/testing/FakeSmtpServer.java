package io.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.CommandRegistry;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * An SMTP server on 127.0.0.1 in place of a customer's primary server or a smarthost. It records
 * what it receives and replies to RCPT for example.com addresses by its mode: accept, fail
 * temporarily, reject, or stall until the client times out. Other addresses are always accepted, so
 * that bounces to outside senders arrive while example.com fails.
 */
public class FakeSmtpServer implements AutoCloseable {

  /** The reply to RCPT for example.com addresses. */
  public enum Mode {
    ACCEPT,
    TEMPORARY_FAILURE,
    PERMANENT_FAILURE,
    STALL
  }

  /** One received message with its envelope. */
  public record Received(String sender, List<String> recipients, byte[] data) {
    public String text() {
      return new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final SMTPServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> mailCommands = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.ACCEPT;
  private volatile Duration stall = Duration.ofSeconds(10);

  private volatile boolean modeForEveryDomain;

  /** Starts on a free port of 127.0.0.1. */
  public FakeSmtpServer() {
    this(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  /**
   * Starts on {@code port} of 127.0.0.1, so that a test can stop the server and start another one
   * where Lifeboat expects it.
   */
  public FakeSmtpServer(int port) {
    this(java.net.InetAddress.getLoopbackAddress(), port);
  }

  /** Starts a server on a loopback address and port, such as ::1 on the port of another fake. */
  public FakeSmtpServer(java.net.InetAddress loopback, int port) {
    if (!loopback.isLoopbackAddress()) {
      throw new IllegalArgumentException("fake servers listen on loopback only: " + loopback);
    }
    server =
        SMTPServer.port(port)
            .bindAddress(loopback)
            .hostName("primary.test")
            .messageHandlerFactory(context -> new Handler())
            .build();
    server.getCommandHandler().addCommand(new RecordingMailCommand());
    server.start();
  }

  public int port() {
    return server.getPortAllocated();
  }

  /** Sets the reply to RCPT for addresses of the customer domain example.com. */
  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Applies the mode to recipients of every domain, not only to those of example.com. */
  public void modeForEveryDomain(Mode mode) {
    this.mode = mode;
    this.modeForEveryDomain = true;
  }

  public void stall(Duration stall) {
    this.stall = stall;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Returns every MAIL command line received, parameters included. */
  public List<String> mailCommands() {
    return List.copyOf(mailCommands);
  }

  public void clear() {
    received.clear();
    mailCommands.clear();
    mode = Mode.ACCEPT;
    modeForEveryDomain = false;
  }

  @Override
  public void close() {
    server.stop();
  }

  /** Records the MAIL line, then runs the library's own MAIL command. */
  private final class RecordingMailCommand implements Command {
    private final Command mail = CommandRegistry.MAIL.getCommand();

    @Override
    public void execute(String line, Session session) throws IOException, DropConnectionException {
      mailCommands.add(line);
      mail.execute(line, session);
    }

    @Override
    public HelpMessage getHelp() throws CommandException {
      return mail.getHelp();
    }

    @Override
    public String getName() {
      return mail.getName();
    }
  }

  private final class Handler implements MessageHandler {
    private String sender;
    private final List<String> recipients = new ArrayList<>();

    @Override
    public void from(String from) {
      sender = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
      Mode applied = modeForEveryDomain || recipient.endsWith("@example.com") ? mode : Mode.ACCEPT;
      switch (applied) {
        case TEMPORARY_FAILURE -> throw new RejectException(451, "4.3.0 try again later");
        case PERMANENT_FAILURE -> throw new RejectException(550, "5.1.1 no such user here");
        case STALL -> {
          try {
            Thread.sleep(stall);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        case ACCEPT -> {}
      }
      recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws IOException {
      received.add(new Received(sender, List.copyOf(recipients), data.readAllBytes()));
      return null;
    }

    @Override
    public void done() {}
  }
}
