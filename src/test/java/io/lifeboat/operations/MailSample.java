package io.lifeboat.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.account.ProvisioningService;
import io.lifeboat.audit.Actor;
import io.lifeboat.delivery.Envelope;
import io.lifeboat.delivery.MessageQueue;
import io.lifeboat.delivery.Origin;
import io.lifeboat.delivery.Spool;
import io.lifeboat.directory.UserDraft;
import io.lifeboat.mailstore.FolderRole;
import io.lifeboat.mailstore.Mailstore;
import io.lifeboat.mailstore.StoredMessage;
import io.lifeboat.operator.CustomerRequest;
import io.lifeboat.operator.CustomerRequest.DomainRequest;
import io.lifeboat.operator.CustomerService;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mailboxes with known messages and one queued message, written through the real mailstore and
 * queue, and the checks that read all of it back after a restart, a key rotation or a restore.
 */
final class MailSample {

  static final String CUSTOMER = "51515";
  static final String DOMAIN = "ops.example";
  static final String QUEUED_SENDER = "queued-sender@example.org";

  /** The raw messages of each user id, in the order they were stored. */
  final Map<Long, List<byte[]>> mail = new LinkedHashMap<>();

  String queueId;
  byte[] queuedMessage;

  /** Creates a customer with {@code users} users and {@code perUser} messages in each Inbox. */
  static MailSample create(Instance instance, int users, int perUser) throws Exception {
    MailSample sample = new MailSample();
    Actor actor = Actor.system("ops-test");
    instance
        .bean(CustomerService.class)
        .put(
            actor,
            CUSTOMER,
            new CustomerRequest(
                "Operations test",
                List.of(new DomainRequest(DOMAIN, "127.0.0.1", 25)),
                false,
                null,
                null,
                null,
                null));
    Mailstore mailstore = instance.bean(Mailstore.class);
    for (int u = 0; u < users; u++) {
      String address = "user" + u + "@" + DOMAIN;
      UserDraft draft =
          new UserDraft(
              address,
              "User " + u,
              "User",
              Integer.toString(u),
              "en_GB",
              "Europe/London",
              null,
              null,
              null,
              null,
              List.of());
      long userId =
          instance.bean(ProvisioningService.class).put(actor, CUSTOMER, draft).user().id();
      long inbox = mailstore.folder(userId, FolderRole.INBOX).id();
      List<byte[]> stored = new ArrayList<>();
      for (int m = 0; m < perUser; m++) {
        byte[] raw = message(address, "Message " + m + " for user " + u);
        mailstore.append(userId, inbox, new ByteArrayInputStream(raw), Set.of());
        stored.add(raw);
      }
      sample.mail.put(userId, stored);
    }
    sample.queuedMessage = message("someone@example.net", "Queued while the workers are off");
    sample.queueId =
        instance
            .bean(MessageQueue.class)
            .submit(
                new Envelope(QUEUED_SENDER, List.of("someone@example.net"), false, false),
                Origin.SUBMISSION,
                (id, out) -> out.write(sample.queuedMessage));
    return sample;
  }

  /** Reads every stored message and the queued message back and compares the bytes. */
  void assertReadable(Instance instance) throws Exception {
    Mailstore mailstore = instance.bean(Mailstore.class);
    for (Map.Entry<Long, List<byte[]>> entry : mail.entrySet()) {
      long userId = entry.getKey();
      long inbox = mailstore.folder(userId, FolderRole.INBOX).id();
      List<StoredMessage> messages = mailstore.messages(userId, inbox, 0, 200).messages();
      assertThat(messages).as("messages of user " + userId).hasSize(entry.getValue().size());
      List<String> expected = entry.getValue().stream().map(MailSample::text).toList();
      List<String> actual = new ArrayList<>();
      for (StoredMessage message : messages) {
        try (InputStream raw = mailstore.openRaw(userId, message.id())) {
          actual.add(new String(raw.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
      assertThat(actual)
          .as("raw messages of user " + userId)
          .containsExactlyInAnyOrderElementsOf(expected);
    }
    try (InputStream spooled = instance.bean(Spool.class).open(queueId)) {
      assertThat(text(spooled.readAllBytes())).isEqualTo(text(queuedMessage));
    }
    Instance.Response queued = instance.operator("GET", "/operator/v1/queue/" + queueId, null);
    assertThat(queued.status()).as(queued.text()).isEqualTo(200);
    assertThat(queued.text()).contains(QUEUED_SENDER);
  }

  private static byte[] message(String to, String subject) {
    String text =
        "From: sender@example.org\r\nTo: "
            + to
            + "\r\nSubject: "
            + subject
            + "\r\nMessage-ID: <"
            + subject.replace(' ', '.')
            + "@ops.example>\r\n\r\n"
            + subject
            + "\r\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] raw) {
    return new String(raw, StandardCharsets.UTF_8);
  }
}
