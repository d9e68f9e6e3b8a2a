package io.lifeboat.contract;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The contract scenarios on PostgreSQL, in a fresh schema. */
@EnabledIfEnvironmentVariable(
    named = TestBackends.POSTGRES_URL,
    matches = ".+",
    disabledReason = TestBackends.POSTGRES_MISSING)
class PostgresContractTest extends RunningLifeboat
    implements CustomerApiContract,
        FieldRulesContract,
        SelectionContract,
        BulkContract,
        TenantIsolationContract,
        TokenContract,
        PasswordContract,
        DeletionContract,
        AuditContract,
        OperatorContract,
        ServiceContract,
        ConcurrencyContract,
        LogContract,
        MailboxCountContract {

  @DynamicPropertySource
  static void backend(DynamicPropertyRegistry registry) {
    TestBackends.postgres(registry, "contract");
    registry.add(OPERATOR_PASSWORD_VARIABLE, () -> "Contract-Operator-1");
  }
}
