package io.lifeboat.contract;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The request limits on H2, with limits set low. */
class H2LimitsTest extends RunningLifeboat implements LimitsContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.h2(registry, "limits");
    TestBackends.lowLimits(registry);
  }
}
