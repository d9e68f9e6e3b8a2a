package io.lifeboat.contract;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Replaces the application's system clock with a {@link MutableClock} in every injection point, and
 * adds a mailbox purger that tests can pause.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {

  @Bean
  @Primary
  MutableClock mutableClock() {
    return new MutableClock();
  }

  @Bean
  PausingPurger pausingPurger() {
    return new PausingPurger();
  }
}
