package io.lifeboat.crypto;

import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The database columns sealed with {@link MasterKey#seal}, which a master key rotation re-seals:
 * queued envelope addresses and last errors, and the links of pending notification mails.
 */
@Configuration(proxyBeanMethods = false)
class SealedColumns {

  @Bean
  @Order(2)
  MasterKeyRewrapper queuedSenders(JdbcClient jdbc, MasterKey masterKey) {
    return new SealedColumnsRewrapper(
        "queuedSenders", "queue_message", "id", List.of("sender_sealed"), jdbc, masterKey);
  }

  @Bean
  @Order(3)
  MasterKeyRewrapper queuedRecipients(JdbcClient jdbc, MasterKey masterKey) {
    return new SealedColumnsRewrapper(
        "queuedRecipients",
        "queue_recipient",
        "id",
        List.of("recipient_sealed", "last_error_sealed"),
        jdbc,
        masterKey);
  }

  @Bean
  @Order(4)
  MasterKeyRewrapper notificationLinks(JdbcClient jdbc, MasterKey masterKey) {
    return new SealedColumnsRewrapper(
        "notificationLinks",
        "notification_outbox",
        "id",
        List.of("link_encrypted"),
        jdbc,
        masterKey);
  }
}
