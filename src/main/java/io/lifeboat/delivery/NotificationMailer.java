package io.lifeboat.delivery;

import io.lifeboat.account.NotificationTemplates;
import io.lifeboat.account.RenderedNotification;
import io.lifeboat.crypto.MasterKey;
import io.lifeboat.directory.Customer;
import io.lifeboat.directory.CustomerRepository;
import io.lifeboat.directory.User;
import io.lifeboat.directory.UserRepository;
import io.lifeboat.smtp.SmtpProperties;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the activation and password-reset mails that token creation left in {@code
 * notification_outbox}: each pending row becomes a plain-text and HTML mail in the user's language,
 * rendered from the customer's templates, queued for delivery to the user, and the row is marked
 * sent in the same transaction. The link carries a live token, so it is never logged.
 */
@Component
class NotificationMailer {

  private static final Logger log = LoggerFactory.getLogger(NotificationMailer.class);
  private static final int BATCH = 100;

  private final JdbcClient jdbc;
  private final MasterKey masterKey;
  private final MessageQueue queue;
  private final DeliveryMetrics metrics;
  private final TransactionTemplate transactions;
  private final String hostname;
  private final Clock clock;
  private final NotificationTemplates templates;
  private final CustomerRepository customers;
  private final UserRepository users;

  NotificationMailer(
      JdbcClient jdbc,
      MasterKey masterKey,
      MessageQueue queue,
      DeliveryMetrics metrics,
      TransactionTemplate transactions,
      SmtpProperties smtp,
      Clock clock,
      NotificationTemplates templates,
      CustomerRepository customers,
      UserRepository users) {
    this.templates = templates;
    this.customers = customers;
    this.users = users;
    this.jdbc = jdbc;
    this.masterKey = masterKey;
    this.queue = queue;
    this.metrics = metrics;
    this.transactions = transactions;
    this.hostname = smtp.hostname();
    this.clock = clock;
  }

  /** A pending notification with what the mail needs of its user and customer. */
  record Pending(
      long id,
      String customerId,
      String kind,
      String linkSealed,
      Instant expires,
      String email,
      String displayName,
      String sender) {}

  @Scheduled(
      initialDelayString = "${lifeboat.delivery.notification-interval:PT10S}",
      fixedDelayString = "${lifeboat.delivery.notification-interval:PT10S}")
  public void run() {
    sendPending();
  }

  /** Queues every pending notification that has not expired; returns how many were queued. */
  public int sendPending() {
    int sent = 0;
    while (true) {
      Integer batch = transactions.execute(s -> sendBatch());
      if (batch == null || batch == 0) {
        return sent;
      }
      sent += batch;
    }
  }

  private int sendBatch() {
    List<Pending> pending =
        jdbc.sql(
                """
                SELECT n.id, n.customer_id, n.kind, n.link_encrypted, n.expires, u.email,
                       u.display_name, c.notification_sender
                  FROM notification_outbox n
                  JOIN mail_user u ON u.id = n.user_id
                  JOIN customer c ON c.id = n.customer_id
                 WHERE n.sent IS NULL AND n.expires > :now
                 ORDER BY n.id
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED
                """)
            .param("now", Timestamp.from(clock.instant()))
            .param("limit", BATCH)
            .query(
                (rs, n) ->
                    new Pending(
                        rs.getLong("id"),
                        rs.getString("customer_id"),
                        rs.getString("kind"),
                        rs.getString("link_encrypted"),
                        rs.getTimestamp("expires").toInstant(),
                        rs.getString("email"),
                        rs.getString("display_name"),
                        rs.getString("notification_sender")))
            .list();
    for (Pending notification : pending) {
      send(notification);
    }
    return pending.size();
  }

  private void send(Pending notification) {
    Optional<Customer> customer = customers.find(notification.customerId());
    Optional<User> user = users.findByEmail(notification.email());
    if (customer.isEmpty() || user.isEmpty() || user.get().isDeleted() || user.get().failover()) {
      // A deleted user cannot use the link, and a user in failover would receive the mail in
      // the standby mailbox that the link is meant to open.
      markSent(notification);
      log.info(
          "Skipped {} notification customer={} to=<{}>: user deleted or in failover",
          notification.kind(),
          notification.customerId(),
          notification.email());
      return;
    }
    String from =
        notification.sender() == null || notification.sender().isBlank()
            ? "noreply@" + hostname
            : notification.sender();
    RenderedNotification mail =
        templates.render(
            customer.get(),
            user.get(),
            notification.kind(),
            masterKey.open(notification.linkSealed()),
            notification.expires());
    try {
      String queueId =
          queue.submit(
              new io.lifeboat.delivery.Envelope(from, List.of(notification.email()), false, false),
              Origin.NOTIFICATION,
              (id, out) -> {
                try {
                  message(mail, from, notification.email()).writeTo(out);
                } catch (MessagingException e) {
                  throw new IOException("building the notification mail failed", e);
                }
              });
      markSent(notification);
      metrics.notificationSent(notification.kind());
      log.info(
          "Queued {} notification queue={} customer={} to=<{}> language={}",
          notification.kind(),
          queueId,
          notification.customerId(),
          notification.email(),
          mail.locale().toLanguageTag());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "queueing notification " + notification.id() + " failed; it is retried", e);
    }
  }

  private void markSent(Pending notification) {
    jdbc.sql("UPDATE notification_outbox SET sent = :now WHERE id = :id")
        .param("now", Timestamp.from(clock.instant()))
        .param("id", notification.id())
        .update();
  }

  private MimeMessage message(RenderedNotification mail, String from, String to)
      throws MessagingException {
    MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
    message.setFrom(new InternetAddress(from));
    message.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to));
    message.setSubject(mail.subject(), "UTF-8");
    message.setSentDate(java.util.Date.from(clock.instant()));
    message.setHeader("Auto-Submitted", "auto-generated");
    message.setHeader("Content-Language", mail.locale().toLanguageTag());
    MimeBodyPart plain = new MimeBodyPart();
    plain.setText(mail.text(), "UTF-8");
    plain.setHeader("Content-Transfer-Encoding", "quoted-printable");
    MimeBodyPart rich = new MimeBodyPart();
    rich.setText(mail.html(), "UTF-8", "html");
    rich.setHeader("Content-Transfer-Encoding", "quoted-printable");
    MimeMultipart alternative = new MimeMultipart("alternative", plain, rich);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }
}
