package io.lifeboat.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.config.LifeboatProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** The operator password file in the data folder, without {@code LIFEBOAT_OPERATOR_PASSWORD}. */
class OperatorPasswordTest {

  @TempDir Path dataDir;

  private OperatorPassword start() {
    LifeboatProperties properties = new LifeboatProperties(dataDir, null, false, null, null, null);
    return new OperatorPassword(new MockEnvironment(), properties);
  }

  @Test
  void generatedPasswordIsReadAgainAtNextStart() throws IOException {
    OperatorPassword first = start();
    String password = Files.readString(dataDir.resolve(OperatorPassword.FILE_NAME)).trim();

    OperatorPassword second = start();

    assertThat(first.matches(password)).isTrue();
    assertThat(second.matches(password)).isTrue();
    assertThat(second.matches("")).isFalse();
  }

  /**
   * A file left empty, for example by a first start that failed while writing it, must not turn
   * into an empty operator password.
   */
  @Test
  void emptyPasswordFileStopsTheStart() throws IOException {
    Files.writeString(dataDir.resolve(OperatorPassword.FILE_NAME), "\n");

    assertThatThrownBy(this::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(OperatorPassword.FILE_NAME)
        .hasMessageContaining("empty");
  }
}
