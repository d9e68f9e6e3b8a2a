package io.lifeboat.config;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Beans every feature shares. */
@Configuration
@EnableScheduling
@EnableConfigurationProperties(LifeboatProperties.class)
public class CoreConfig {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
