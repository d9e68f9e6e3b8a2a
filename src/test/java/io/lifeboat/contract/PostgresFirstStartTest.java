package io.lifeboat.contract;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The first start in demo mode on a fresh PostgreSQL schema. */
@EnabledIfEnvironmentVariable(
    named = TestBackends.POSTGRES_URL,
    matches = ".+",
    disabledReason = TestBackends.POSTGRES_MISSING)
class PostgresFirstStartTest extends RunningLifeboat implements FirstStartContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.postgres(registry, "first_start");
    registry.add("lifeboat.demo", () -> "true");
  }
}
