package io.lifeboat.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * A customer's session on the CSV drop, with Apache MINA SSHD's SFTP client on 127.0.0.1. The host
 * key is accepted unchecked because the child generates a new one in each fresh data folder.
 */
public final class SftpDrop implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final SshClient client;
  private final ClientSession session;
  private final SftpClient sftp;

  public SftpDrop(int port, String login, String password) throws IOException {
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.start();
    session = client.connect(login, "127.0.0.1", port).verify(TIMEOUT).getSession();
    session.addPasswordIdentity(password);
    session.auth().verify(TIMEOUT);
    sftp = SftpClientFactory.instance().createSftpClient(session);
  }

  /** Writes {@code content} to {@code path} and closes the file, which completes the upload. */
  public void upload(String path, String content) throws IOException {
    try (OutputStream out = sftp.write(path)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Returns the names in a folder, without {@code .} and {@code ..}. */
  public List<String> list(String path) throws IOException {
    List<String> names = new ArrayList<>();
    for (DirEntry entry : sftp.readDir(path)) {
      if (!entry.getFilename().equals(".") && !entry.getFilename().equals("..")) {
        names.add(entry.getFilename());
      }
    }
    return names;
  }

  public String read(String path) throws IOException {
    try (InputStream in = sftp.read(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      sftp.close();
      session.close();
    } finally {
      client.stop();
    }
  }
}
