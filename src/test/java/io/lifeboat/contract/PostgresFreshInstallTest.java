package io.lifeboat.contract;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A fresh installation on PostgreSQL: demo mode, no configured operator password and low request
 * limits, in one application context.
 */
@EnabledIfEnvironmentVariable(
    named = TestBackends.POSTGRES_URL,
    matches = ".+",
    disabledReason = TestBackends.POSTGRES_MISSING)
class PostgresFreshInstallTest extends RunningLifeboat
    implements FirstStartContract, LimitsContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.postgres(registry, "fresh");
    TestBackends.freshInstall(registry);
  }
}
