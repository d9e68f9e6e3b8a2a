package io.lifeboat.sftp;

import io.lifeboat.sync.DropFolders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The embedded SFTP server of the CSV drop (Apache MINA SSHD). It offers only the SFTP subsystem:
 * no shell, no exec, no port, agent or X11 forwarding. Its host key is generated once into {@code
 * <data>/sftp/host-key} and then always reused, so that clients can pin it.
 *
 * <p>When the port cannot be bound, the service keeps running without SFTP, reports the {@code
 * sftp} health component DOWN and tries again every {@code lifeboat.sftp.bind-retry-interval}.
 */
public class SftpServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SftpServer.class);
  static final String HOST_KEY_FILE = "host-key";

  private final SftpProperties properties;
  private final DropFolders folders;
  private final DropLoginAuthenticator authenticator;
  private final UploadListener uploads;
  private final ScheduledExecutorService retries;

  private volatile SshServer server;
  private volatile boolean running;
  private volatile String lastError = "not started";
  private int failedBinds;

  SftpServer(
      SftpProperties properties,
      DropFolders folders,
      DropLoginAuthenticator authenticator,
      UploadListener uploads) {
    this.properties = properties;
    this.folders = folders;
    this.authenticator = authenticator;
    this.uploads = uploads;
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sftp-bind-retry");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void start() {
    running = true;
    tryStart();
  }

  @Override
  public void stop() {
    running = false;
    retries.shutdownNow();
    SshServer current = server;
    server = null;
    if (current != null) {
      try {
        current.stop(true);
        log.info("SFTP server stopped");
      } catch (IOException e) {
        log.warn("SFTP server did not stop cleanly", e);
      }
    }
    uploads.shutdown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Returns whether the listener is bound and accepting connections. */
  public boolean isBound() {
    SshServer current = server;
    return current != null && current.isStarted() && !current.getBoundAddresses().isEmpty();
  }

  /** Returns the bound port, which differs from the configured one when that is 0. */
  public int port() {
    SshServer current = server;
    return current == null ? properties.port() : current.getPort();
  }

  String lastError() {
    return lastError;
  }

  private synchronized void tryStart() {
    if (!running || isBound()) {
      return;
    }
    SshServer candidate = null;
    try {
      candidate = build();
      candidate.start();
      server = candidate;
      lastError = null;
      failedBinds = 0;
      log.info(
          "SFTP server listening on {} port {}",
          blankToAll(properties.host()),
          candidate.getPort());
    } catch (IOException | RuntimeException e) {
      lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
      failedBinds++;
      if (failedBinds == 1) {
        log.error(
            "SFTP server could not listen on port {}: {}; retrying every {}",
            properties.port(),
            e.getMessage(),
            properties.bindRetryInterval(),
            e);
      } else {
        log.warn(
            "SFTP server still cannot listen on port {} after {} tries: {}",
            properties.port(),
            failedBinds,
            e.getMessage());
      }
      closeQuietly(candidate);
      retries.schedule(
          this::tryStart, properties.bindRetryInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private SshServer build() throws IOException {
    SshServer sshd = SshServer.setUpDefaultServer();
    String host = properties.host();
    if (host != null && !host.isBlank()) {
      sshd.setHost(host);
    }
    sshd.setPort(properties.port());
    sshd.setKeyPairProvider(hostKeys());
    sshd.setPasswordAuthenticator(authenticator);
    sshd.setPublickeyAuthenticator(authenticator);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setHostBasedAuthenticator(null);
    sshd.setShellFactory(null);
    sshd.setCommandFactory(null);
    sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    sshd.setFileSystemFactory(new DropFileSystemFactory(folders));

    SftpSubsystemFactory sftp =
        new SftpSubsystemFactory.Builder().withFileSystemAccessor(new DropFolderAccessor()).build();
    sftp.addSftpEventListener(uploads);
    sshd.setSubsystemFactories(List.of(sftp));

    CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "Lifeboat");
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, properties.idleTimeout());
    CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(sshd, properties.maxSessionsPerLogin());
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, 6);
    return sshd;
  }

  /**
   * Returns the host key provider. A host key file that exists but cannot be read stops the start,
   * because replacing it would make every client reject the server as an impostor.
   */
  private SimpleGeneratorHostKeyProvider hostKeys() throws IOException {
    Path file = folders.sftpRoot().resolve(HOST_KEY_FILE);
    Files.createDirectories(file.getParent());
    boolean existed = Files.exists(file);
    if (existed) {
      requireReadable(file);
    }
    SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file);
    provider.setAlgorithm(KeyUtils.EC_ALGORITHM);
    provider.setKeySize(256);
    provider.setOverwriteAllowed(false);
    List<KeyPair> keys = provider.loadKeys(null);
    if (keys.isEmpty()) {
      throw new IOException("no SFTP host key could be loaded or generated in " + file);
    }
    log.info(
        "SFTP host key {} {} {}",
        existed ? "loaded from" : "generated into",
        file,
        KeyUtils.getFingerPrint(keys.get(0).getPublic()));
    return provider;
  }

  private static void requireReadable(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> keys =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, null);
      if (keys == null || !keys.iterator().hasNext()) {
        throw new IOException("the file contains no key");
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException(
          "SFTP host key file "
              + file
              + " cannot be read ("
              + e.getMessage()
              + "); restore it from a backup, or delete it to generate a new key that clients"
              + " must then accept again",
          e);
    }
  }

  private static String blankToAll(String host) {
    return host == null || host.isBlank() ? "all addresses" : host;
  }

  private static void closeQuietly(SshServer candidate) {
    if (candidate == null) {
      return;
    }
    try {
      candidate.stop(true);
    } catch (IOException e) {
      log.debug("Closing a server that failed to start failed too", e);
    }
  }
}
