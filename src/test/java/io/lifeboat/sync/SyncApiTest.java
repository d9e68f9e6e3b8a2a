package io.lifeboat.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/** The sync through {@code /email/continuity/v2/{CUSTOMER}/sync}, against the running service. */
class SyncApiTest extends SyncTestSupport {

  @Autowired SyncRetentionJob retention;

  @Test
  void uploadCreatesUsersAndReportsCounts() {
    TestCustomer customer = newCustomer(10, false);
    String csv =
        HEADER
            + "\n\""
            + "jane.roe@"
            + customer.domain()
            + "\";\"Jane Roe / Example Ltd\";\"Jane\";\"Roe\";\"en_GB\";\"Europe/London\";"
            + "\"Sales\";;;\"+44 7700 900123\";\"emea,uk\"\n"
            + line(customer, "max", "Max M")
            + "\n";

    Answer answer = postSync(customer, csv, null);

    assertThat(answer.status()).isEqualTo(200);
    Map<String, Object> report = answer.map("report");
    assertThat(report.get("outcome")).isEqualTo("applied");
    assertThat(report.get("created")).isEqualTo(2);
    assertThat(report.get("source")).isEqualTo("api");
    assertThat(report.get("uploadedBy")).isEqualTo(customer.apiUser());
    Map<String, Map<String, Object>> users = users(customer);
    assertThat(users).containsOnlyKeys("jane.roe@" + customer.domain(), "max@" + customer.domain());
    Map<String, Object> jane = users.get("jane.roe@" + customer.domain());
    assertThat(jane.get("displayName")).isEqualTo("Jane Roe / Example Ltd");
    assertThat(jane.get("department")).isEqualTo("Sales");
    assertThat(jane.get("mobile")).isEqualTo("+44 7700 900123");
    assertThat(jane.get("failoverGroups")).isEqualTo(List.of("emea", "uk"));
    assertThat(auditCount(customer, "sync.applied")).isEqualTo(1);
    assertThat(auditCount(customer, "user.created")).isEqualTo(2);
  }

  @Test
  void rerunOfSameFileChangesNothing() {
    TestCustomer customer = newCustomer(10, false);
    String csv = file(customer, 25);
    assertThat(postSync(customer, csv, null).status()).isEqualTo(200);
    Map<String, Map<String, Object>> before = users(customer);
    long auditBefore = auditTotal(customer);

    Answer again = postSync(customer, csv, null);

    assertThat(again.status()).isEqualTo(200);
    Map<String, Object> report = again.map("report");
    assertThat(report.get("unchanged")).isEqualTo(25);
    assertThat(report.get("created")).isEqualTo(0);
    assertThat(report.get("updated")).isEqualTo(0);
    assertThat(report.get("deleted")).isEqualTo(0);
    assertThat(report.get("restored")).isEqualTo(0);
    assertThat(users(customer)).isEqualTo(before);
    assertThat(auditTotal(customer))
        .as("only the run itself is audited")
        .isEqualTo(auditBefore + 1);
  }

  @Test
  void changedUsersAreUpdatedAndMissingOnesDeleted() {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 20), null);
    String changed =
        file(customer, 19)
            .replace("User 3;", "User Three;")
            .replace(
                "en_GB;Europe/London;;;;;emea\nuser7@",
                "en_GB;Europe/London;IT;;;;emea,apac\nuser7@");

    Answer answer = postSync(customer, changed, null);

    assertThat(answer.status()).isEqualTo(200);
    Map<String, Object> report = answer.map("report");
    assertThat(report.get("updated")).isEqualTo(2);
    assertThat(report.get("deleted")).isEqualTo(1);
    assertThat(report.get("unchanged")).isEqualTo(17);
    assertThat(report.get("deletedUsers")).isEqualTo(List.of("user19@" + customer.domain()));
    Map<String, Map<String, Object>> users = users(customer);
    assertThat(users).hasSize(19).doesNotContainKey("user19@" + customer.domain());
    assertThat(users.get("user3@" + customer.domain()).get("displayName")).isEqualTo("User Three");
    Answer deleted = customerGet(customer, "/user19@" + customer.domain());
    assertThat(deleted.status()).isEqualTo(200);
    Instant due = Instant.parse((String) deleted.map("user").get("deletionDue"));
    assertThat(Duration.between(Instant.now(), due))
        .isBetween(Duration.ofDays(6), Duration.ofDays(7));
  }

  @Test
  void deletedUserComesBackWhenListedAgain() {
    TestCustomer customer = newCustomer(50, false);
    postSync(customer, file(customer, 4), null);
    postSync(customer, file(customer, 3), null);
    assertThat(users(customer)).hasSize(3);

    Answer answer = postSync(customer, file(customer, 4), null);

    assertThat(answer.map("report").get("restored")).isEqualTo(1);
    assertThat(answer.map("report").get("created")).isEqualTo(0);
    Answer user = customerGet(customer, "/user3@" + customer.domain());
    assertThat(user.map("user").get("deletionDue")).isNull();
    assertThat(users(customer)).hasSize(4);
  }

  @Test
  void deletionsAboveLimitNeedForce() {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 10), null);

    Answer rejected = postSync(customer, file(customer, 5), null);

    assertThat(rejected.status()).isEqualTo(409);
    assertThat(rejected.map("report").get("outcome")).isEqualTo("over-limit");
    assertThat(rejected.map("report").get("missingUsers")).isEqualTo(5);
    assertThat((String) rejected.body().get("message")).contains("force=true");
    assertThat(users(customer)).hasSize(10);

    Answer forced = postSync(customer, file(customer, 5), "?force=true");

    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.map("report").get("deleted")).isEqualTo(5);
    assertThat(forced.map("report").get("force")).isEqualTo(true);
    assertThat(users(customer)).hasSize(5);
  }

  @Test
  void deletionAtLimitNeedsNoForce() {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 10), null);

    Answer answer = postSync(customer, file(customer, 9), null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.map("report").get("deleted")).isEqualTo(1);
  }

  @Test
  void apiUserMissingFromFileIsDeleted() {
    TestCustomer customer = newCustomer(50, false);
    postSync(customer, file(customer, 3), null);
    String extra = "extra@" + customer.domain();
    Answer put =
        send(
            "PUT",
            "/email/continuity/v2/" + customer.id() + "/" + extra,
            customer.apiUser(),
            customer.apiPassword(),
            "application/json",
            "{\"displayName\":\"E\",\"givenName\":\"E\",\"surName\":\"X\",\"language\":\"en_GB\","
                + "\"timezone\":\"UTC\"}");
    assertThat(put.status()).isEqualTo(201);

    Answer answer = postSync(customer, file(customer, 3), null);

    assertThat(answer.map("report").get("deleted")).isEqualTo(1);
    assertThat(users(customer)).doesNotContainKey(extra);
  }

  static Stream<Arguments> badFiles() {
    String good = "ok@DOMAIN;Ok;Ok;Ok;en_GB;Europe/London;;;;;";
    String groups17 =
        IntStream.rangeClosed(1, 17).mapToObj(i -> "g" + i).collect(Collectors.joining(","));
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    return Stream.of(
        Arguments.of(
            "byte order mark in the middle",
            concat(utf8(HEADER + "\n" + good + "\n"), bom, utf8("b@DOMAIN;B;B;B;en_GB;UTC;;;;;\n")),
            3,
            1,
            "U+FEFF"),
        Arguments.of("mixed CRLF and LF", utf8(HEADER + "\r\n" + good + "\n"), 2, null, "LF"),
        Arguments.of(
            "quote inside a quoted field",
            utf8(good + "\nb@DOMAIN;\"B \"B\" B\";B;B;en_GB;UTC;;;;;\n"),
            2,
            2,
            "\"B \"B\" B\""),
        Arguments.of(
            "quote inside an unquoted field",
            utf8("b@DOMAIN;B;B;O\"B;en_GB;UTC;;;;;\n"),
            1,
            4,
            "O\"B"),
        Arguments.of(
            "missing column", utf8(HEADER + "\nb@DOMAIN;B;B;B;en_GB;UTC;;;;\n"), 2, 11, null),
        Arguments.of("extra column", utf8("b@DOMAIN;B;B;B;en_GB;UTC;;;;;;x\n"), 1, 12, "x"),
        Arguments.of(
            "address twice in different case",
            utf8(good + "\n" + good.replace("ok@", "OK@") + "\n"),
            2,
            1,
            "OK@DOMAIN"),
        Arguments.of(
            "foreign domain", utf8("b@example.org;B;B;B;en_GB;UTC;;;;;\n"), 1, 1, "b@example.org"),
        Arguments.of(
            "17 groups", utf8("b@DOMAIN;B;B;B;en_GB;UTC;;;;;" + groups17 + "\n"), 1, 11, groups17),
        Arguments.of("unknown locale", utf8("b@DOMAIN;B;B;B;en_XX;UTC;;;;;\n"), 1, 5, "en_XX"),
        Arguments.of(
            "unknown zone", utf8("b@DOMAIN;B;B;B;en_GB;Mars/Base;;;;;\n"), 1, 6, "Mars/Base"),
        Arguments.of(
            "bytes that are not UTF-8",
            "b@DOMAIN;Ren\u00e9;B;B;fr_FR;UTC;;;;;\n".getBytes(StandardCharsets.ISO_8859_1),
            1,
            2,
            "0xE9"),
        Arguments.of("empty file", new byte[0], 0, null, null),
        Arguments.of("header only", utf8(HEADER + "\r\n"), 0, null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void badFileIsRejectedWithLocation(
      String name, byte[] content, int line, Integer column, String value) {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 3), null);
    Map<String, Map<String, Object>> before = users(customer);
    long auditBefore = auditTotal(customer);
    String text =
        new String(content, StandardCharsets.ISO_8859_1).replace("DOMAIN", customer.domain());

    Answer answer = postSync(customer, text.getBytes(StandardCharsets.ISO_8859_1), null);

    assertThat(answer.status()).as(name).isEqualTo(400);
    assertThat(answer.map("report").get("outcome")).isEqualTo("invalid");
    List<Map<String, Object>> errors = answer.list("errors");
    assertThat(errors).as(name).hasSize(1);
    Map<String, Object> error = errors.get(0);
    assertThat(error.get("line")).as("line").isEqualTo(line);
    assertThat(error.get("column")).as("column").isEqualTo(column);
    String expectedValue = value == null ? null : value.replace("DOMAIN", customer.domain());
    assertThat(error.get("value")).as("value").isEqualTo(expectedValue);
    assertThat((String) error.get("message")).isNotBlank();
    assertThat(users(customer)).isEqualTo(before);
    assertThat(auditTotal(customer)).isEqualTo(auditBefore + 1);
    assertThat(auditCount(customer, "sync.rejected")).isEqualTo(1);
  }

  @Test
  void otherCustomersSyncIsForbidden() {
    TestCustomer mine = newCustomer(10, false);
    TestCustomer other = newCustomer(10, false);
    TestCustomer intruder =
        new TestCustomer(other.id(), other.domain(), mine.apiUser(), mine.apiPassword());

    assertThat(postSync(intruder, file(other, 1), null).status()).isEqualTo(403);
    assertThat(customerGet(intruder, "/sync").status()).isEqualTo(403);
    assertThat(users(other)).isEmpty();
  }

  @Test
  void contentTypeOtherThanCsvIsRejected() {
    TestCustomer customer = newCustomer(10, false);
    String path = "/email/continuity/v2/" + customer.id() + "/sync";

    Answer json =
        send("POST", path, customer.apiUser(), customer.apiPassword(), "application/json", "{}");
    Answer latin1 =
        send(
            "POST",
            path,
            customer.apiUser(),
            customer.apiPassword(),
            "text/csv; charset=ISO-8859-1",
            file(customer, 1));

    assertThat(json.status()).isEqualTo(415);
    assertThat((String) json.body().get("message")).contains("text/csv");
    assertThat(latin1.status()).isEqualTo(415);
    assertThat(
            send(
                    "POST",
                    path,
                    customer.apiUser(),
                    customer.apiPassword(),
                    "text/csv; charset=utf-8",
                    file(customer, 1))
                .status())
        .isEqualTo(200);
  }

  @Test
  void invalidForceValueIsRejected() {
    TestCustomer customer = newCustomer(10, false);

    Answer answer = postSync(customer, file(customer, 1), "?force=maybe");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(users(customer)).isEmpty();
  }

  @Test
  void historyListsRunsNewestFirst() {
    TestCustomer customer = newCustomer(10, false);
    Answer first = postSync(customer, file(customer, 2), null);
    Answer second = postSync(customer, "", null);

    Answer status = customerGet(customer, "/sync?limit=10");

    assertThat(status.status()).isEqualTo(200);
    assertThat(status.map("latest").get("runId")).isEqualTo(second.body().get("id"));
    assertThat(status.map("latest").get("outcome")).isEqualTo("invalid");
    assertThat(status.list("history"))
        .extracting(run -> run.get("runId"))
        .containsExactly(second.body().get("id"), first.body().get("id"));
    Answer runReport = customerGet(customer, "/sync/" + first.body().get("id"));
    assertThat(runReport.status()).isEqualTo(200);
    assertThat(runReport.map("report").get("created")).isEqualTo(2);
    assertThat(customerGet(customer, "/sync/no-such-run").status()).isEqualTo(404);
    assertThat(customerGet(customer, "/sync?limit=0").status()).isEqualTo(400);
  }

  @Test
  void userPathsStillReachUsersBesideSyncPath() {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 1), null);

    Answer user = customerGet(customer, "/user0@" + customer.domain());

    assertThat(user.status()).isEqualTo(200);
    assertThat(user.map("user").get("user")).isEqualTo("user0@" + customer.domain());
  }

  @Test
  void newUsersMailedWhenNotificationsOn() {
    TestCustomer quiet = newCustomer(10, false);
    TestCustomer notifying = newCustomer(10, true);

    postSync(quiet, file(quiet, 2), null);
    Answer answer = postSync(notifying, file(notifying, 2), null);

    assertThat(outbox(quiet)).isZero();
    assertThat(outbox(notifying)).isEqualTo(2);
    assertThat(tokens(notifying)).isEqualTo(2);
    assertThat((String) answer.map("report").get("message")).contains("activation mails");
  }

  @Test
  void concurrentUploadsRunOneAtATime() throws Exception {
    TestCustomer customer = newCustomer(100, false);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int size = 30 + i * 10;
        answers.add(clients.submit(() -> postSync(customer, file(customer, size), null)));
      }
      for (Future<Answer> answer : answers) {
        Answer done = answer.get();
        assertThat(done.status()).as("every run applies").isEqualTo(200);
      }
    } finally {
      clients.shutdown();
    }
    // The runs applied one after the other, so the directory is exactly one of the four files.
    assertThat(users(customer).size()).isIn(30, 40, 50, 60);
    assertThat(auditCount(customer, "sync.applied")).isEqualTo(4);
  }

  @Test
  void apiUploadWritesReportFiles() throws IOException {
    TestCustomer customer = newCustomer(10, false);

    Answer answer = postSync(customer, file(customer, 1), null);

    String runStart = ((String) answer.body().get("id")).replace("-", "").substring(0, 8);
    Path root = dataDir().resolve("sftp").resolve(customer.id());
    try (Stream<Path> reports = Files.list(root.resolve("reports"))) {
      List<String> names = reports.map(p -> p.getFileName().toString()).toList();
      assertThat(names)
          .anySatisfy(n -> assertThat(n).startsWith("api-upload_").endsWith(runStart + ".txt"));
      assertThat(names).anySatisfy(n -> assertThat(n).endsWith(runStart + ".json"));
    }
    try (Stream<Path> processed = Files.list(root.resolve("processed"))) {
      assertThat(processed.map(p -> p.getFileName().toString()))
          .anySatisfy(n -> assertThat(n).endsWith(runStart + ".csv"));
    }
    assertThat(
            dataDir().resolve("sync").resolve("incoming").resolve(answer.body().get("id") + ".csv"))
        .doesNotExist();
  }

  @Test
  void retentionDeletesOnlyOldFiles() throws IOException {
    TestCustomer customer = newCustomer(10, false);
    postSync(customer, file(customer, 1), null);
    Path processed = dataDir().resolve("sftp").resolve(customer.id()).resolve("processed");
    Path old = Files.writeString(processed.resolve("old.csv"), "x");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(31))));
    long before;
    try (Stream<Path> files = Files.list(processed)) {
      before = files.count();
    }

    int deleted = retention.deleteOlderThan(Instant.now().minus(Duration.ofDays(30)));

    assertThat(deleted).isGreaterThanOrEqualTo(1);
    assertThat(old).doesNotExist();
    try (Stream<Path> files = Files.list(processed)) {
      assertThat(files.count()).isEqualTo(before - 1);
    }
  }

  private long auditTotal(TestCustomer customer) {
    return jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE customer_id = :c")
        .param("c", customer.id())
        .query(Long.class)
        .single();
  }

  private long outbox(TestCustomer customer) {
    return jdbc.sql("SELECT COUNT(*) FROM notification_outbox WHERE customer_id = :c")
        .param("c", customer.id())
        .query(Long.class)
        .single();
  }

  private long tokens(TestCustomer customer) {
    return jdbc.sql(
            "SELECT COUNT(*) FROM account_token t JOIN mail_user u ON u.id = t.user_id"
                + " WHERE u.customer_id = :c")
        .param("c", customer.id())
        .query(Long.class)
        .single();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
