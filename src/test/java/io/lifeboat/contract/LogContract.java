package io.lifeboat.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** What the application logs while secrets pass through it. */
@ExtendWith(OutputCaptureExtension.class)
interface LogContract extends LifeboatFixture {

  @Test
  default void logsNeverContainSecrets(CapturedOutput output) {
    Tenant tenant = newTenant(settings -> settings.put("notifications", true));
    String address = tenant.address("jane");
    List<String> secrets = new ArrayList<>();
    secrets.add(tenant.credential().password());

    secrets.add(tenant.create(UserBody.of(address)).text("token"));
    String token = tenant.issueToken(address).text("token");
    secrets.add(token);
    tenant.setPassword(address, token, "Logged7Never!").expect(200);
    secrets.add("Logged7Never!");
    tenant.setPassword(address, token, "Reused8Never!").expect(404);
    secrets.add("Reused8Never!");
    secrets.add(newCredential(tenant.id()).password());
    operator()
        .put(
            OPERATOR_API + "/customers/" + tenant.id() + "/sftp", Map.of("password", "Sftp7Never!"))
        .expect(200);
    secrets.add("Sftp7Never!");
    http().as(new Credential(tenant.credential().username(), "Wrong7Never!")).get(tenant.path(""));
    secrets.add("Wrong7Never!");

    String log = output.getAll();
    assertThat(log)
        .contains("Issued activation token customer=" + tenant.id() + " user=" + address);
    assertThat(log).contains("Password set customer=" + tenant.id() + " user=" + address);
    for (String secret : secrets) {
      assertThat(log).as("log output").doesNotContain(secret);
    }
    assertThat(log).doesNotContain("$argon2");
  }
}
