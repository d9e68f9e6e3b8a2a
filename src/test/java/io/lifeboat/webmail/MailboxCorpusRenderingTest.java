package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.IssuedToken;
import io.lifeboat.account.ProvisioningService;
import io.lifeboat.account.TokenService;
import io.lifeboat.audit.Actor;
import io.lifeboat.directory.DirectoryService;
import io.lifeboat.directory.Flag;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Opens every message of the MIME corpus in {@code LIFEBOAT_TEST_CORPUS} (files with the role
 * {@code message} in FILES.tsv) in the reading view over HTTP, and checks that the page, the
 * sanitized body and every listed attachment come back without a server error.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MailboxCorpusRenderingTest {

  private static final String PASSWORD = "Standby2026!";

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path dir = Files.createTempDirectory("lifeboat-webmail-corpus");
    registry.add("lifeboat.data-dir", dir::toString);
  }

  @LocalServerPort int port;
  @Autowired CustomerService customers;
  @Autowired ProvisioningService provisioning;
  @Autowired TokenService tokens;
  @Autowired DirectoryService directory;
  @Autowired UserRepository users;
  @Autowired LocalDelivery delivery;
  @Autowired JdbcClient jdbc;

  @Test
  void everyCorpusMessageOpensWithoutServerError() throws Exception {
    String location = System.getenv("LIFEBOAT_TEST_CORPUS");
    Assumptions.assumeTrue(
        location != null && !location.isBlank(),
        "LIFEBOAT_TEST_CORPUS is unset: set it to the MIME corpus folder to run this test");
    Path corpus = Path.of(location);
    String email = activeUser();
    long userId = users.findByEmail(email).orElseThrow().id();
    List<String> files = new ArrayList<>();
    for (String line : Files.readAllLines(corpus.resolve("FILES.tsv"))) {
      String[] columns = line.split("\t");
      if (columns.length > 1 && columns[1].equals("message")) {
        files.add(columns[0]);
      }
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(600);
    for (String file : files) {
      delivery.deliverToInbox(userId, file, corpus.resolve(file));
    }

    WebmailHttpSession session =
        WebmailHttpSession.signIn("http://127.0.0.1:" + port, email, PASSWORD);
    List<String> failures = new ArrayList<>();
    List<Long> ids =
        jdbc.sql("SELECT id FROM mail_message WHERE user_id = :user ORDER BY id")
            .param("user", userId)
            .query(Long.class)
            .list();
    assertThat(ids).hasSize(files.size());
    for (long id : ids) {
      check(session, "/?message=" + id, failures);
      check(session, "/mail/message/" + id + "/body", failures);
      HttpResponse<String> page = session.get("/?message=" + id);
      java.util.regex.Matcher parts =
          java.util.regex.Pattern.compile("/mail/message/" + id + "/part/([0-9.]+)")
              .matcher(page.body());
      while (parts.find()) {
        check(session, "/mail/message/" + id + "/part/" + parts.group(1), failures);
      }
    }
    assertThat(failures).isEmpty();
  }

  private static void check(WebmailHttpSession session, String path, List<String> failures)
      throws Exception {
    HttpResponse<String> response = session.get(path);
    if (response.statusCode() != 200) {
      failures.add(path + " -> " + response.statusCode());
    }
  }

  private String activeUser() {
    String customer = Integer.toString(ThreadLocalRandom.current().nextInt(10000, 99999));
    String domain = "c" + customer + ".example";
    Actor actor = new Actor("test-" + System.nanoTime(), "test", "127.0.0.1");
    customers.put(
        actor,
        customer,
        new CustomerRequest(
            "Corpus " + customer,
            List.of(new DomainRequest(domain, "127.0.0.1", 25)),
            false,
            null,
            null,
            null,
            null));
    String email = "reader@" + domain;
    provisioning.put(
        actor,
        customer,
        new UserDraft(
            email,
            "Corpus Reader",
            "Corpus",
            "Reader",
            "en_GB",
            "Europe/London",
            null,
            null,
            null,
            null,
            List.of()));
    IssuedToken token = provisioning.issueToken(actor, customer, email, false);
    tokens.setPassword(actor, email, token.token(), PASSWORD);
    directory.setFlag(actor, customer, email, Flag.ACCESS, true);
    return email;
  }
}
