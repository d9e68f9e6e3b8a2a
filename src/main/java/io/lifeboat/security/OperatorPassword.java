package io.lifeboat.security;

import io.lifeboat.account.Secrets;
import io.lifeboat.config.LifeboatProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The password of the {@code operator} login. It comes from {@code LIFEBOAT_OPERATOR_PASSWORD};
 * when that is unset, a random one is generated at first start into {@code operator-password} in
 * the data folder with mode 0600 and read from there afterwards. Only its SHA-256 stays in memory,
 * and the log names the file, never the password.
 */
@Component
public class OperatorPassword {

  public static final String ENVIRONMENT_VARIABLE = "LIFEBOAT_OPERATOR_PASSWORD";
  public static final String FILE_NAME = "operator-password";
  private static final Logger log = LoggerFactory.getLogger(OperatorPassword.class);

  private final String digest;

  public OperatorPassword(Environment environment, LifeboatProperties properties) {
    String configured = environment.getProperty(ENVIRONMENT_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      log.info("Operator password taken from {}", ENVIRONMENT_VARIABLE);
      this.digest = Secrets.sha256(configured);
    } else {
      this.digest = Secrets.sha256(readOrGenerate(properties.dataDir().resolve(FILE_NAME)));
    }
  }

  public boolean matches(String password) {
    return password != null && Secrets.digestsEqual(digest, Secrets.sha256(password));
  }

  private static String readOrGenerate(Path file) {
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file).trim();
        if (stored.isEmpty()) {
          // An empty file, left for example by a first start that failed while writing it, must
          // not become an empty password that anyone could log in with.
          throw new IllegalStateException(
              "operator password file "
                  + file.toAbsolutePath()
                  + " is empty; delete it to generate a new password, or set "
                  + ENVIRONMENT_VARIABLE);
        }
        log.info("Operator password read from {}", file.toAbsolutePath());
        return stored;
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      String password = Secrets.alphanumeric(24);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, password + "\n");
      log.info(
          "Operator password generated into {} (mode 0600); set {} to choose one",
          file.toAbsolutePath(),
          ENVIRONMENT_VARIABLE);
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the operator password file " + file, e);
    }
  }
}
