package io.lifeboat.contract;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The request limits on PostgreSQL, with limits set low. */
@EnabledIfEnvironmentVariable(
    named = TestBackends.POSTGRES_URL,
    matches = ".+",
    disabledReason = TestBackends.POSTGRES_MISSING)
class PostgresLimitsTest extends RunningLifeboat implements LimitsContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.postgres(registry, "limits");
    TestBackends.lowLimits(registry);
  }
}
