package io.lifeboat.smtp;

import io.lifeboat.config.LifeboatProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The inbound SMTP listener on {@code lifeboat.smtp.port}. It runs the SubEthaSMTP server with
 * Lifeboat's own commands in place of the library's, one thread per session. It starts after the
 * database and stops first, so that no message is accepted that cannot be stored.
 */
public class SmtpListener implements SmartLifecycle {

  /** How long stores that began before the gate closed get to finish at shutdown. */
  private static final Duration STORE_WAIT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(SmtpListener.class);

  private final SmtpProperties properties;
  private final LifeboatProperties lifeboat;
  private final MessageReceiver receiver;
  private final SmtpMetrics metrics;
  private volatile SMTPServer server;
  private ExecutorService sessions;
  private SmtpDrain drain;

  SmtpListener(
      SmtpProperties properties,
      LifeboatProperties lifeboat,
      MessageReceiver receiver,
      SmtpMetrics metrics) {
    this.properties = properties;
    this.lifeboat = lifeboat;
    this.receiver = receiver;
    this.metrics = metrics;
  }

  @Override
  public synchronized void start() {
    SSLContext tls =
        TlsContexts.create(properties.tls(), lifeboat.dataDir(), properties.hostname());
    // Platform threads, for the reason given on spring.threads.virtual.enabled in
    // application.properties. maxConnections bounds their number.
    sessions = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("smtp-", 1).factory());
    drain = new SmtpDrain(properties.hostname());
    SMTPServer.Builder builder =
        SMTPServer.port(properties.port())
            .hostName(properties.hostname())
            .softwareName("Lifeboat")
            .messageHandlerFactory(context -> new InboundTransaction(context, receiver))
            .sessionHandler(new SmtpSessions(metrics, drain))
            .executorService(sessions)
            .maxConnections(properties.maxConnections())
            .connectionTimeoutMs((int) properties.commandTimeout().toMillis())
            .maxRecipients(properties.maxRecipients())
            .maxMessageSize((int) Math.min(Integer.MAX_VALUE, receiver.maxMessageSize()))
            .insertReceivedHeaders(false)
            .enableTLS()
            .startTlsSocketFactory(tls, false);
    if (properties.bindAddress() != null && !properties.bindAddress().isBlank()) {
      builder.bindAddress(address(properties.bindAddress()));
    }
    SMTPServer built = builder.build();
    installCommands(built.getCommandHandler());
    built.start();
    server = built;
    log.info(
        "SMTP listener started on port {} as {} (max message size {} bytes)",
        built.getPortAllocated(),
        properties.hostname(),
        receiver.maxMessageSize());
  }

  /** Replaces every command verb that the library registers, so no reply lacks an enhanced code. */
  private void installCommands(CommandHandler commands) {
    List<SmtpCommand> installed =
        List.of(
            new HelloCommands.Ehlo(metrics, receiver),
            new HelloCommands.Helo(metrics),
            new MailCommand(metrics, receiver),
            new RcptCommand(metrics, receiver),
            new DataCommand(metrics, properties.dataTimeout()),
            new StartTlsCommand(metrics),
            new SimpleCommands.Rset(metrics),
            new SimpleCommands.Noop(metrics),
            new SimpleCommands.Quit(metrics),
            new SimpleCommands.Vrfy(metrics),
            new SimpleCommands.Help(metrics),
            new SimpleCommands.Unsupported("EXPN", metrics),
            new SimpleCommands.Unsupported("AUTH", metrics),
            new SimpleCommands.Unsupported("BDAT", metrics));
    installed.forEach(command -> commands.addCommand(command.drain(drain)));
  }

  /**
   * Drains, then stops the listener. New sessions and new commands get {@code 421 4.3.2} at once,
   * and commands already running, such as a DATA being received, get up to {@code
   * lifeboat.smtp.shutdown-grace} to finish, so that a message is either confirmed after it is
   * stored or not confirmed at all. Then sessions that wait for a command get {@code 421 4.3.2} and
   * are closed. Sessions whose command is still running after the grace are closed without a reply.
   */
  @Override
  public synchronized void stop() {
    SMTPServer running = server;
    if (running == null) {
      return;
    }
    drain.start();
    log.info(
        "SMTP listener draining: new sessions and commands get 421, running commands have {} to"
            + " finish",
        properties.shutdownGrace());
    try {
      int unfinished = drain.awaitIdle(properties.shutdownGrace());
      if (unfinished > 0) {
        log.warn(
            "SMTP listener stopping with {} commands unfinished; their clients retry later",
            unfinished);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      // DATA commands that read their final dot may still store and reply; later ones store
      // nothing.
      int storing = drain.gate().close(STORE_WAIT);
      if (storing > 0) {
        log.warn("SMTP listener stopping with {} messages still being stored", storing);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int idle = drain.closeIdleSessions();
    log.info("SMTP listener sent 421 to {} idle sessions and closed them", idle);
    server = null;
    running.stop();
    sessions.shutdownNow();
    log.info("SMTP listener stopped");
  }

  /** Returns the shutdown state of the running listener, for tests of this package. */
  SmtpDrain drainState() {
    return drain;
  }

  @Override
  public boolean isRunning() {
    SMTPServer running = server;
    return running != null && running.isRunning();
  }

  /** Starts late and stops early among the lifecycle beans. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 100;
  }

  /** Returns the bound port, or -1 while the listener is not running. */
  public int port() {
    SMTPServer running = server;
    return running == null ? -1 : running.getPortAllocated();
  }

  int activeSessions() {
    return metrics.activeSessions();
  }

  private static InetAddress address(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "lifeboat.smtp.bind-address is not a valid address: " + host, e);
    }
  }
}
