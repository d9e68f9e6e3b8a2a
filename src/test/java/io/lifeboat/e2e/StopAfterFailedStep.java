package io.lifeboat.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Skips the remaining steps of a story once one step fails. The test methods of the class are the
 * ordered steps, and a skipped step names the failed one, so that no step fails for a reason that
 * the first failure already explains.
 */
public final class StopAfterFailedStep implements TestWatcher, ExecutionCondition {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StopAfterFailedStep.class);
  private static final String FAILED = "failed-step";

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    context.getParent().orElseThrow().getStore(NAMESPACE).put(FAILED, context.getDisplayName());
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("not a step");
    }
    String failed = context.getParent().orElseThrow().getStore(NAMESPACE).get(FAILED, String.class);
    return failed == null
        ? ConditionEvaluationResult.enabled("no earlier step failed")
        : ConditionEvaluationResult.disabled("skipped because step " + failed + " failed");
  }
}
