package io.lifeboat.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a class whose ordered test methods are the steps of one story: once a step fails, the later
 * steps are reported as skipped with the name of the failed step, instead of failing for a reason
 * that the first failure already explains.
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
