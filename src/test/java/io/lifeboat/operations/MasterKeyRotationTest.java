package io.lifeboat.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lifeboat.crypto.MasterKey;
import io.lifeboat.crypto.MasterKeyRewrapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * Master key rotation through the operator API: a rotation that fails after two mailbox keys, its
 * resumption at the next start, and a start with only the new key.
 */
class MasterKeyRotationTest {

  private static final int USERS = 5;
  private static final int MESSAGES_PER_USER = 3;

  private final Path dataDir =
      Path.of("target", "ops-test-data", UUID.randomUUID().toString()).toAbsolutePath();

  @Test
  void interruptedRotationResumesAfterRestart() throws Exception {
    byte[] newKey = MasterKey.generate();
    String newKeyBase64 = Base64.getEncoder().encodeToString(newKey);
    MailSample sample;
    String oldKey;
    String oldKeyId;
    String newKeyId;

    try (Instance first =
        Instance.start(
            dataDir,
            Map.of("lifeboat.master-key-rotation.batch-size", "1"),
            FailAfterTwoMailboxKeys.class)) {
      sample = MailSample.create(first, USERS, MESSAGES_PER_USER);
      oldKey = Files.readString(dataDir.resolve("master.key")).trim();
      oldKeyId =
          first
              .operator("GET", "/operator/v1/master-key", null)
              .json()
              .path("primaryKeyId")
              .asString();

      Instance.Response started =
          first.operator(
              "POST", "/operator/v1/master-key/rotation", "{\"key\": \"" + newKeyBase64 + "\"}");
      assertThat(started.status()).as(started.text()).isEqualTo(202);
      assertThat(started.text()).doesNotContain(newKeyBase64);
      newKeyId = started.json().path("rotation").path("newKeyId").asString();
      assertThat(started.json().path("rotation").path("oldKeyId").asString()).isEqualTo(oldKeyId);

      JsonNode failed = awaitState(first, "failed");
      assertThat(failed.path("error").asString())
          .contains("simulated failure after 2 mailbox keys");
      assertThat(failed.path("pending").path("mailboxKeys").asLong()).isEqualTo(USERS - 2);
      assertThat(Files.readString(dataDir.resolve("master.key")).trim()).isEqualTo(oldKey);
      assertThat(Files.readString(dataDir.resolve("master.key.next")).trim())
          .isEqualTo(newKeyBase64);
      Instance.Response again = first.operator("POST", "/operator/v1/master-key/rotation", null);
      assertThat(again.status()).as(again.text()).isEqualTo(409);
      sample.assertReadable(first);
    }

    try (Instance second = Instance.start(dataDir, Map.of())) {
      JsonNode finished = awaitState(second, "finished");
      assertThat(finished.path("newKeyId").asString()).isEqualTo(newKeyId);
      assertThat(finished.path("rewrapped").asLong()).isGreaterThanOrEqualTo(USERS + 3);
      assertThat(Files.readString(dataDir.resolve("master.key")).trim()).isEqualTo(newKeyBase64);
      assertThat(dataDir.resolve("master.key.next")).doesNotExist();
      Path retired = dataDir.resolve("master.key.retired-" + oldKeyId);
      assertThat(Files.readString(retired).trim()).isEqualTo(oldKey);
      JsonNode keys = second.operator("GET", "/operator/v1/master-key", null).json();
      assertThat(keys.path("keyIds").toString()).isEqualTo("[\"" + newKeyId + "\"]");
      sample.assertReadable(second);
      assertAudited(second, oldKeyId, newKeyId);
      Files.delete(retired);
    }

    try (Instance third = Instance.start(dataDir, Map.of())) {
      sample.assertReadable(third);

      Instance.Response generated =
          third.operator("POST", "/operator/v1/master-key/rotation", null);
      assertThat(generated.status()).as(generated.text()).isEqualTo(202);
      awaitState(third, "finished");
      sample.assertReadable(third);
    }
  }

  @Test
  void rotationRejectsInvalidKeys() throws Exception {
    try (Instance instance = Instance.start(dataDir, Map.of())) {
      Instance.Response shortKey =
          instance.operator("POST", "/operator/v1/master-key/rotation", "{\"key\": \"c2hvcnQ=\"}");
      assertThat(shortKey.status()).as(shortKey.text()).isEqualTo(400);
      assertThat(shortKey.text()).contains("32 bytes").doesNotContain("c2hvcnQ=");

      String current = Files.readString(dataDir.resolve("master.key")).trim();
      Instance.Response sameKey =
          instance.operator(
              "POST", "/operator/v1/master-key/rotation", "{\"key\": \"" + current + "\"}");
      assertThat(sameKey.status()).as(sameKey.text()).isEqualTo(400);
      assertThat(sameKey.text()).contains("equals the current one").doesNotContain(current);
      assertThat(instance.operator("GET", "/operator/v1/master-key/rotation", null).status())
          .isEqualTo(404);
      assertThat(dataDir.resolve("master.key.next")).doesNotExist();
    }
  }

  private static JsonNode awaitState(Instance instance, String state) {
    List<JsonNode> last = new ArrayList<>();
    last.add(null);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode rotation =
                  instance
                      .operator("GET", "/operator/v1/master-key/rotation", null)
                      .json()
                      .path("rotation");
              last.set(0, rotation);
              return state.equals(rotation.path("state").asString());
            });
    return last.get(0);
  }

  private static void assertAudited(Instance instance, String oldKeyId, String newKeyId)
      throws Exception {
    JsonNode entries = instance.operator("GET", "/operator/v1/audit", null).json().path("entries");
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : entries) {
      actions.add(entry.path("action").asString());
      assertThat(entry.path("actor").asString()).isEqualTo("operator");
      assertThat(entry.path("oldValue").asString()).isEqualTo(oldKeyId);
      assertThat(entry.path("newValue").asString()).isEqualTo(newKeyId);
    }
    assertThat(actions)
        .containsExactly("master-key-rotation-finished", "master-key-rotation-started");
  }

  /** Makes the mailbox key re-wrapping fail once two mailbox keys are done, as a crash would. */
  @TestConfiguration(proxyBeanMethods = false)
  static class FailAfterTwoMailboxKeys {

    @Bean
    static BeanPostProcessor failingMailboxRewrapper() {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
          if (bean instanceof MasterKeyRewrapper rewrapper
              && rewrapper.name().equals("mailboxKeys")) {
            return new FailingRewrapper(rewrapper, 2);
          }
          return bean;
        }
      };
    }
  }

  private static final class FailingRewrapper implements MasterKeyRewrapper {
    private final MasterKeyRewrapper delegate;
    private int allowed;

    FailingRewrapper(MasterKeyRewrapper delegate, int allowed) {
      this.delegate = delegate;
      this.allowed = allowed;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public long countPending(String keyId) throws IOException {
      return delegate.countPending(keyId);
    }

    @Override
    public int rewrapBatch(String keyId, int limit) throws IOException {
      if (allowed == 0) {
        throw new IllegalStateException("simulated failure after 2 mailbox keys");
      }
      int done = delegate.rewrapBatch(keyId, Math.min(limit, allowed));
      allowed -= done;
      return done;
    }
  }
}
