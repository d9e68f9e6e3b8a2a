package io.lifeboat.contract;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A fresh installation on H2: demo mode, no configured operator password and low request limits, in
 * one application context.
 */
class H2FreshInstallTest extends RunningLifeboat implements FirstStartContract, LimitsContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.h2(registry, "fresh");
    TestBackends.freshInstall(registry);
  }
}
