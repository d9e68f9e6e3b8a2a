package io.lifeboat.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lifeboat.sync.SyncTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The SFTP drop with a real SSH client (Apache MINA SSHD's, and OpenSSH's {@code sftp} where it is
 * installed) against the running service on loopback.
 */
class SftpDropTest extends SyncTestSupport {

  static final String PASSWORD = "SftpTestPass1!";
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private static SshClient client;
  private static final AtomicReference<PublicKey> seenHostKey = new AtomicReference<>();

  @Autowired SftpServer server;

  @BeforeAll
  static void startClient() {
    client = SshClient.setUpDefaultClient();
    // Ask for replies, so that a rejected exec or shell request closes the channel at once.
    CoreModuleProperties.REQUEST_EXEC_REPLY.set(client, true);
    CoreModuleProperties.REQUEST_SHELL_REPLY.set(client, true);
    client.setServerKeyVerifier(
        (session, address, key) -> {
          seenHostKey.set(key);
          return true;
        });
    client.start();
  }

  @AfterAll
  static void stopClient() throws IOException {
    client.stop();
  }

  private TestCustomer customerWithLogin(String password, String publicKey) {
    TestCustomer customer = newCustomer(10, false);
    Map<String, Object> login = new LinkedHashMap<>();
    if (password != null) {
      login.put("password", password);
    }
    if (publicKey != null) {
      login.put("publicKey", publicKey);
    }
    Answer answer = operator("PUT", "/operator/v1/customers/" + customer.id() + "/sftp", login);
    assertThat(answer.status()).as("SFTP login set").isEqualTo(200);
    return customer;
  }

  private ClientSession connect(String login) throws IOException {
    return client.connect(login, "127.0.0.1", server.port()).verify(TIMEOUT).getSession();
  }

  private ClientSession login(String login, String password) throws IOException {
    ClientSession session = connect(login);
    session.addPasswordIdentity(password);
    session.auth().verify(TIMEOUT);
    return session;
  }

  private static SftpClient sftp(ClientSession session) throws IOException {
    return SftpClientFactory.instance().createSftpClient(session);
  }

  private static void upload(SftpClient sftp, String path, String content) throws IOException {
    try (OutputStream out = sftp.write(path)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<String> names(SftpClient sftp, String path) throws IOException {
    List<String> names = new ArrayList<>();
    for (DirEntry entry : sftp.readDir(path)) {
      if (!entry.getFilename().equals(".") && !entry.getFilename().equals("..")) {
        names.add(entry.getFilename());
      }
    }
    return names;
  }

  private static String read(SftpClient sftp, String path) throws IOException {
    try (InputStream in = sftp.read(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Waits until the customer's newest run has finished and returns its report. */
  private Map<String, Object> awaitReport(TestCustomer customer, String fileName, int runs) {
    AtomicReference<Map<String, Object>> latest = new AtomicReference<>();
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Answer status = customerGet(customer, "/sync");
              Map<String, Object> report = status.map("latest");
              latest.set(report);
              return report != null
                  && status.list("history").size() == runs
                  && fileName.equals(report.get("file"))
                  && !"queued".equals(report.get("outcome"));
            });
    return latest.get();
  }

  private static int status(Throwable error) {
    assertThat(error).isInstanceOf(SftpException.class);
    return ((SftpException) error).getStatus();
  }

  @Test
  void passwordLoginUploadsFileAndReadsReport() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      upload(sftp, "/upload/users.csv", file(customer, 3));

      Map<String, Object> report = awaitReport(customer, "users.csv", 1);

      assertThat(report.get("outcome")).isEqualTo("applied");
      assertThat(report.get("created")).isEqualTo(3);
      assertThat(report.get("uploadedBy")).isEqualTo(customer.id());
      assertThat(report.get("clientAddress")).isEqualTo("127.0.0.1");
      await().atMost(TIMEOUT).until(() -> names(sftp, "/reports").size() == 2);
      List<String> reports = names(sftp, "/reports");
      String text =
          read(
              sftp,
              "/reports/"
                  + reports.stream().filter(n -> n.endsWith(".txt")).findFirst().orElseThrow());
      assertThat(text).contains("Outcome:      applied").contains("Created:      3");
      assertThat(names(sftp, "/upload")).isEmpty();
      assertThat(names(sftp, "/processed"))
          .hasSize(1)
          .allSatisfy(n -> assertThat(n).startsWith("users_"));
    }
    assertThat(users(customer)).hasSize(3);
    String actor =
        jdbc.sql("SELECT actor FROM audit_event WHERE customer_id = :c AND action = 'sync.applied'")
            .param("c", customer.id())
            .query(String.class)
            .single();
    assertThat(actor).isEqualTo("sftp:" + customer.id());
  }

  @Test
  void keyLoginUploadsFile() throws Exception {
    KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    TestCustomer customer = customerWithLogin(null, PublicKeyEntry.toString(key.getPublic()));
    try (ClientSession session = connect(customer.id())) {
      session.addPublicKeyIdentity(key);
      session.auth().verify(TIMEOUT);
      try (SftpClient sftp = sftp(session)) {
        upload(sftp, "/upload/key.csv", file(customer, 2));
      }
    }

    assertThat(awaitReport(customer, "key.csv", 1).get("created")).isEqualTo(2);
  }

  @Test
  void otherKeyIsRejected() throws Exception {
    KeyPair registered = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    TestCustomer customer =
        customerWithLogin(null, PublicKeyEntry.toString(registered.getPublic()));
    try (ClientSession session = connect(customer.id())) {
      session.addPublicKeyIdentity(other);

      assertThatThrownBy(() -> session.auth().verify(TIMEOUT)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void wrongPasswordAndForeignLoginsAreRejected() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    TestCustomer withoutLogin = newCustomer(10, false);

    for (String[] attempt :
        new String[][] {
          {customer.id(), "WrongPass1!"},
          {withoutLogin.id(), PASSWORD},
          {"99999", PASSWORD},
          {"../" + customer.id(), PASSWORD}
        }) {
      try (ClientSession session = connect(attempt[0])) {
        session.addPasswordIdentity(attempt[1]);
        assertThatThrownBy(() -> session.auth().verify(TIMEOUT))
            .as("login %s", attempt[0])
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void loginSeesOnlyItsOwnFolder() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    TestCustomer other = customerWithLogin(PASSWORD, null);
    postSync(other, file(other, 1), null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      assertThat(sftp.canonicalPath("/..")).isEqualTo("/");
      assertThat(sftp.canonicalPath("../../..")).isEqualTo("/");
      assertThat(names(sftp, "/")).containsExactlyInAnyOrder("upload", "reports", "processed");
      assertThat(names(sftp, "/../..")).containsExactlyInAnyOrder("upload", "reports", "processed");
      assertThat(names(sftp, "/reports")).isEmpty();

      for (String outside :
          List.of(
              "/../" + other.id() + "/reports",
              "/../host-key",
              "../../db",
              "/../../sftp/" + other.id())) {
        assertThatThrownBy(() -> sftp.stat(outside))
            .as(outside)
            .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_NO_SUCH_FILE));
      }
    }
  }

  @Test
  void writesOutsideUploadAreDenied() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    postSync(customer, file(customer, 1), null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      String report =
          "/reports/"
              + names(sftp, "/reports").stream()
                  .filter(n -> n.endsWith(".txt"))
                  .findFirst()
                  .orElseThrow();
      upload(sftp, "/upload/keep.txt", "not a csv");

      assertThatThrownBy(() -> upload(sftp, "/reports/x.csv", "x"))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThatThrownBy(() -> upload(sftp, "/x.csv", "x"))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThatThrownBy(() -> sftp.mkdir("/upload/sub"))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThatThrownBy(() -> sftp.symLink("/upload/link", "/reports"))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThatThrownBy(() -> sftp.rename("/upload/keep.txt", "/processed/keep.txt"))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThatThrownBy(() -> sftp.remove(report))
          .satisfies(e -> assertThat(status(e)).isEqualTo(SftpConstants.SSH_FX_PERMISSION_DENIED));
      assertThat(read(sftp, report)).contains("Outcome:");
      sftp.remove("/upload/keep.txt");
      assertThat(names(sftp, "/upload")).isEmpty();
    }
  }

  @Test
  void interruptedUploadIsNeverProcessed() throws Exception {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    byte[] content = file(customer, 40).getBytes(StandardCharsets.UTF_8);
    ClientSession session = login(customer.id(), PASSWORD);
    SftpClient sftp = sftp(session);
    CloseableHandle handle =
        sftp.open(
            "/upload/cut.csv", EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Truncate));
    sftp.write(handle, 0, content, 0, content.length / 2);

    session.close(true);
    TimeUnit.MILLISECONDS.sleep(1500);

    Path partial = dataDir().resolve("sftp").resolve(customer.id()).resolve("upload/cut.csv");
    assertThat(partial).exists();
    assertThat(Files.size(partial)).isEqualTo(content.length / 2);
    assertThat(customerGet(customer, "/sync").list("history")).isEmpty();
    assertThat(users(customer)).isEmpty();
  }

  @Test
  void renameToCsvNameStartsSync() throws Exception {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      upload(sftp, "/upload/users.csv.part", file(customer, 2));
      TimeUnit.MILLISECONDS.sleep(800);
      assertThat(customerGet(customer, "/sync").list("history")).isEmpty();

      sftp.rename("/upload/users.csv.part", "/upload/users.csv");

      assertThat(awaitReport(customer, "users.csv", 1).get("created")).isEqualTo(2);
    }
  }

  @Test
  void forceFileNameConfirmsDeletionsAboveLimit() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      upload(sftp, "/upload/all.csv", file(customer, 10));
      awaitReport(customer, "all.csv", 1);

      upload(sftp, "/upload/half.csv", file(customer, 5));
      Map<String, Object> rejected = awaitReport(customer, "half.csv", 2);
      assertThat(rejected.get("outcome")).isEqualTo("over-limit");
      assertThat((String) rejected.get("message")).contains(".force.csv");
      assertThat(users(customer)).hasSize(10);

      upload(sftp, "/upload/half.force.csv", file(customer, 5));
      Map<String, Object> forced = awaitReport(customer, "half.force.csv", 3);
      assertThat(forced.get("outcome")).isEqualTo("applied");
      assertThat(forced.get("force")).isEqualTo(true);
      assertThat(forced.get("deleted")).isEqualTo(5);
    }
    assertThat(users(customer)).hasSize(5);
  }

  @Test
  void badFileOverSftpGetsReportWithLocation() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      upload(
          sftp,
          "/upload/bad.csv",
          HEADER + "\n" + line(customer, "a", "A").replace("en_GB", "en_XX") + "\n");

      Map<String, Object> report = awaitReport(customer, "bad.csv", 1);

      assertThat(report.get("outcome")).isEqualTo("invalid");
      await().atMost(TIMEOUT).until(() -> names(sftp, "/reports").size() == 2);
      String text =
          read(
              sftp,
              "/reports/"
                  + names(sftp, "/reports").stream()
                      .filter(n -> n.endsWith(".txt"))
                      .findFirst()
                      .orElseThrow());
      assertThat(text).contains("line 2, column 5 (language): \"en_XX\": language must be one of");
    }
    assertThat(users(customer)).isEmpty();
  }

  @Test
  void oversizedUploadIsRejectedAndDeleted() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    String big = file(customer, MAX_FILE_BYTES / 60 + 100);
    assertThat(big.length()).isGreaterThan(MAX_FILE_BYTES);
    try (ClientSession session = login(customer.id(), PASSWORD);
        SftpClient sftp = sftp(session)) {
      assertThatThrownBy(() -> upload(sftp, "/upload/big.csv", big))
          .isInstanceOf(IOException.class);

      Map<String, Object> report = awaitReport(customer, "big.csv", 1);

      assertThat(report.get("outcome")).isEqualTo("invalid");
      assertThat((String) report.get("message")).contains("larger than " + MAX_FILE_BYTES);
      assertThat(names(sftp, "/upload")).isEmpty();
    }
    assertThat(users(customer)).isEmpty();
  }

  @Test
  void shellExecAndForwardingAreRejected() throws IOException {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD)) {
      try (ChannelExec exec = session.createExecChannel("id")) {
        assertOpenFails(exec);
      }
      try (ChannelShell shell = session.createShellChannel()) {
        assertOpenFails(shell);
      }
      try (ClientChannel tunnel =
          session.createDirectTcpipChannel(
              new SshdSocketAddress("127.0.0.1", 0),
              new SshdSocketAddress("127.0.0.1", httpPort))) {
        assertOpenFails(tunnel);
      }
    }
  }

  /** Checks that the server rejects the channel, or the request on it, and closes it. */
  private static void assertOpenFails(ClientChannel channel) {
    try {
      channel.open().verify(TIMEOUT);
    } catch (IOException e) {
      return;
    }
    Set<ClientChannelEvent> events =
        channel.waitFor(
            EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), TIMEOUT);
    assertThat(events)
        .as("events of %s", channel.getClass().getSimpleName())
        .contains(ClientChannelEvent.CLOSED);
    assertThat(channel.getExitStatus()).as("exit status").isNull();
  }

  @Test
  void hostKeyFileIsOwnerOnly() throws Exception {
    TestCustomer customer = customerWithLogin(PASSWORD, null);
    try (ClientSession session = login(customer.id(), PASSWORD)) {
      assertThat(session.isAuthenticated()).isTrue();
    }
    Path keyFile = dataDir().resolve("sftp").resolve("host-key");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
    KeyPair stored;
    try (InputStream in = Files.newInputStream(keyFile)) {
      stored =
          SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("host-key"), in, null)
              .iterator()
              .next();
    }
    assertThat(KeyUtils.compareKeys(stored.getPublic(), seenHostKey.get())).isTrue();
  }

  @Test
  void healthShowsSftpUp() {
    Answer health = send("GET", "/actuator/health", null, null, null, (byte[]) null);

    Map<String, Object> sftp = (Map<String, Object>) health.map("components").get("sftp");
    assertThat(sftp.get("status")).isEqualTo("UP");
    assertThat(((Map<?, ?>) sftp.get("details")).get("port")).isEqualTo(server.port());
  }

  static boolean openSshInstalled() {
    return Files.isExecutable(Path.of("/usr/bin/sftp"))
        && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
  }

  @Test
  @EnabledIf("openSshInstalled")
  void openSshClientUploadsWithEd25519Key() throws Exception {
    Path dir = Files.createTempDirectory("openssh-client");
    Path key = dir.resolve("id_ed25519");
    run(List.of("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
    TestCustomer customer =
        customerWithLogin(null, Files.readString(dir.resolve("id_ed25519.pub")).trim());
    Path csv = Files.writeString(dir.resolve("users.csv"), file(customer, 2).replace("\n", "\r\n"));
    Path batch = Files.writeString(dir.resolve("batch"), "put " + csv + " upload/openssh.csv\n");

    run(
        List.of(
            "/usr/bin/sftp",
            "-b",
            batch.toString(),
            "-i",
            key.toString(),
            "-P",
            Integer.toString(server.port()),
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=" + dir.resolve("known_hosts"),
            customer.id() + "@127.0.0.1"));

    assertThat(awaitReport(customer, "openssh.csv", 1).get("created")).isEqualTo(2);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command.get(0)).isTrue();
    assertThat(process.exitValue())
        .as("%s exit status; output: %s", command.get(0), output)
        .isZero();
  }
}
