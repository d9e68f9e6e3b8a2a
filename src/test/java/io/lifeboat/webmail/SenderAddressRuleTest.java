package io.lifeboat.webmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.web.server.ResponseStatusException;

class SenderAddressRuleTest {

  private static final WebmailUser JANE =
      new WebmailUser(
          7, "jane.roe@example.com", "44444", "Jane Roe", "en_GB", "Europe/London", Instant.EPOCH);

  private final Logger logger = (Logger) LoggerFactory.getLogger(ComposeController.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  @Test
  void ownAddressInAnyCaseIsAccepted() {
    ComposeController.requireOwnAddress(JANE, " Jane.Roe@Example.com ");
    ComposeController.requireOwnAddress(JANE, null);
    ComposeController.requireOwnAddress(JANE, "");

    assertThat(appender.list).isEmpty();
  }

  @Test
  void foreignAddressIsRejectedAndLogged() {
    assertThatThrownBy(() -> ComposeController.requireOwnAddress(JANE, "ceo@example.com"))
        .isInstanceOf(ResponseStatusException.class)
        .hasMessageContaining("ceo@example.com");

    assertThat(appender.list).hasSize(1);
    assertThat(appender.list.get(0).getFormattedMessage()).contains("from=<ceo@example.com>");
  }

  @Test
  void lineBreaksStayInOneLogLine() {
    String forged = "x@evil.test>\r\n2026-01-01 INFO audit action=forged customer=44444";

    assertThatThrownBy(() -> ComposeController.requireOwnAddress(JANE, forged))
        .isInstanceOf(ResponseStatusException.class);

    String line = appender.list.get(0).getFormattedMessage();
    assertThat(line).doesNotContain("\r");
    assertThat(line).doesNotContain("\n");
    assertThat(line).contains("x@evil.test>\\r\\n2026-01-01 INFO");
  }

  @Test
  void longRejectedAddressIsCutInLog() {
    String huge = "a".repeat(100_000) + "@evil.test";

    assertThatThrownBy(() -> ComposeController.requireOwnAddress(JANE, huge))
        .isInstanceOf(ResponseStatusException.class);

    String line = appender.list.get(0).getFormattedMessage();
    assertThat(line.length()).isLessThan(400);
    assertThat(line).contains("a...>");
  }
}
