package io.lifeboat.contract;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The contract scenarios on the default H2 file database, in a fresh data folder. */
class H2ContractTest extends RunningLifeboat
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
    TestBackends.h2(registry, "contract");
    registry.add(OPERATOR_PASSWORD_VARIABLE, () -> "Contract-Operator-1");
  }
}
