package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * The first start of an empty installation in demo mode without {@code LIFEBOAT_OPERATOR_PASSWORD}:
 * the generated operator password and the demo customer. The log is captured from before the
 * application starts, so a secret written at startup would be seen.
 */
@ExtendWith(OutputCaptureExtension.class)
interface FirstStartContract extends LifeboatFixture {

  @Test
  default void operatorPasswordIsGeneratedNotLogged(CapturedOutput output) throws IOException {
    assumeTrue(
        System.getenv(OPERATOR_PASSWORD_VARIABLE) == null,
        "LIFEBOAT_OPERATOR_PASSWORD is set in this environment, so no password is generated");
    Path file = dataDir().resolve("operator-password");

    String password = Files.readString(file).trim();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(password).matches("[A-Za-z0-9]{24}");
    operator().get(OPERATOR_API + "/customers").expect(200);
    assertThat(output.getAll()).contains("Operator password generated into " + file);
    assertThat(output.getAll()).doesNotContain(password);
  }

  @Test
  default void demoModeCreatesWorkingCustomer(CapturedOutput output) throws IOException {
    Path file = dataDir().resolve("demo-api-credential");

    String[] credential = Files.readString(file).trim().split(":", 2);
    ApiResponse users =
        http()
            .as(new Credential(credential[0], credential[1]))
            .get(Tenant.BASE + "44444")
            .expect(200);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    JsonNode list = users.json().path("users");
    assertThat(list.size()).isEqualTo(8);
    assertThat(list.path(0).path("domain").asString()).isEqualTo("example.com");
    assertThat(
            http()
                .as(new Credential(credential[0], credential[1]))
                .head(Tenant.BASE + "44444?group=emea")
                .expect(200)
                .header("User-Count"))
        .isEqualTo("4");
    JsonNode customer =
        operator().get(OPERATOR_API + "/customers/44444").expect(200).json().path("customer");
    assertThat(customer.path("name").asString()).isEqualTo("Example Ltd");
    assertThat(output.getAll()).contains("Demo mode: created customer 44444");
    assertThat(output.getAll()).contains(file.toString());
    assertThat(output.getAll()).doesNotContain(credential[1]);
  }
}
