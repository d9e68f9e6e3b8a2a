package io.lifeboat.delivery;

import io.lifeboat.directory.UserRepository;
import io.lifeboat.mailstore.LocalDelivery;
import io.lifeboat.routing.Router;
import io.lifeboat.smtp.SmtpProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the delivery workers, the outbound SMTP relay and the queue's health component. */
@Configuration
@EnableConfigurationProperties({DeliveryProperties.class, SmarthostProperties.class})
public class DeliveryConfig {

  @Bean
  SmtpRelay smtpRelay(DeliveryProperties properties, SmtpProperties smtp) {
    return new SmtpRelay(properties, smtp.hostname());
  }

  @Bean
  MxResolver mxResolver(DeliveryProperties properties) {
    return new MxResolver(
        properties.dnsServers().stream().map(MxResolver::parseServer).toList(),
        properties.dnsTimeout());
  }

  @Bean
  MessageDelivery messageDelivery(
      Router router,
      ObjectProvider<LocalDelivery> localDelivery,
      SmtpRelay relay,
      MxResolver mx,
      SmarthostProperties smarthost,
      Spool spool,
      DeliveryProperties properties) {
    return new MessageDelivery(
        router, localDelivery, relay, mx, smarthost, spool, properties.mxPort());
  }

  @Bean
  OutcomeRecorder outcomeRecorder(
      QueueRepository repository,
      MessageQueue queue,
      Spool spool,
      DeliveryProperties properties,
      DeliveryMetrics metrics,
      TransactionTemplate transactions,
      SmtpProperties smtp,
      Clock clock) {
    return new OutcomeRecorder(
        repository, queue, spool, properties, metrics, transactions, smtp.hostname(), clock);
  }

  @Bean
  @ConditionalOnProperty(
      name = "lifeboat.delivery.enabled",
      havingValue = "true",
      matchIfMissing = true)
  DeliveryWorker deliveryWorker(
      QueueRepository repository,
      MessageDelivery delivery,
      OutcomeRecorder recorder,
      Spool spool,
      QueueSignal signal,
      DeliveryProperties properties,
      TransactionTemplate transactions,
      Clock clock,
      UserRepository users) {
    return new DeliveryWorker(
        repository,
        delivery,
        recorder,
        spool,
        signal,
        properties,
        transactions,
        clock,
        new FailoverWatch(users, repository, clock));
  }

  @Bean(name = "deliveryQueue")
  QueueHealthIndicator deliveryQueueHealthIndicator(
      QueueRepository repository,
      ObjectProvider<DeliveryWorker> worker,
      DeliveryProperties properties,
      Clock clock) {
    return new QueueHealthIndicator(
        repository, worker.getIfAvailable(), properties.healthMaxAge(), clock);
  }
}
