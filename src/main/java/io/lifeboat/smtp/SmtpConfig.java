package io.lifeboat.smtp;

import io.lifeboat.config.LifeboatProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the inbound SMTP listener and its health component. */
@Configuration
@EnableConfigurationProperties(SmtpProperties.class)
public class SmtpConfig {

  @Bean
  @ConditionalOnProperty(
      name = "lifeboat.smtp.enabled",
      havingValue = "true",
      matchIfMissing = true)
  SmtpListener smtpListener(
      SmtpProperties properties,
      LifeboatProperties lifeboat,
      MessageReceiver receiver,
      SmtpMetrics metrics) {
    return new SmtpListener(properties, lifeboat, receiver, metrics);
  }

  @Bean(name = "smtp")
  @ConditionalOnProperty(
      name = "lifeboat.smtp.enabled",
      havingValue = "true",
      matchIfMissing = true)
  SmtpHealthIndicator smtpHealthIndicator(SmtpListener listener) {
    return new SmtpHealthIndicator(listener);
  }
}
