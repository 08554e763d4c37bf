/** `runTests`: the repository's tests in the clone (PRODUCT.md §7), before and after the agent. */
import type { TestResult } from '@khitomer/contracts';
import { type LocalTestResult, runRepositoryTests } from '../test-runner/index.js';
import type { RunTestsInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';
import { keepHeartbeating } from './step-context.js';
import { workspaceDirFor } from './workspace-path.js';

/**
 * The contract's `TestResult` of a local run: local-only fields dropped (the sandbox flags are kept
 * for the report), tail already ≤ 4 KB. Pure.
 */
export function toTestResult(local: LocalTestResult): TestResult {
  return {
    command: local.command,
    exitCode: local.exitCode,
    passed: local.passed,
    timedOut: local.timedOut,
    detected: local.detected,
    durationMs: local.durationMs,
    outputTail: local.outputTail,
    ...(local.failing === undefined ? {} : { failing: local.failing }),
    ...(local.detected ? { networkIsolated: local.networkIsolated, processesIsolated: local.processesIsolated } : {}),
  };
}

/**
 * Detects and runs the test command (installing dependencies first when a lockfile says so) with a
 * scrubbed environment, the timeout and process-group kill of the test runner. A red run is a
 * result. Heartbeats while running; cancellation kills the process group.
 * @throws the cancellation when cancelled; otherwise only unexpected local errors (retried per policy: none).
 */
export async function runTests(
  deps: Pick<ActivityDeps, 'workspaceRoot' | 'metrics' | 'heartbeatIntervalMs'>,
  ctx: StepContext,
  input: RunTestsInput,
): Promise<TestResult> {
  const dir = workspaceDirFor(deps.workspaceRoot, input.workspace);
  const stop = keepHeartbeating(ctx, () => ({ step: `tests:${input.phase}` }), deps.heartbeatIntervalMs);
  try {
    const local = await runRepositoryTests({
      dir,
      timeoutMs: input.timeoutMs,
      signal: ctx.signal,
      logger: ctx.logger,
      ...(input.testCommand ? { override: input.testCommand } : {}),
    });
    deps.metrics.testDuration.observe({ phase: input.phase }, local.durationMs / 1000);
    ctx.logger.info(
      {
        phase: input.phase,
        command: local.command,
        exitCode: local.exitCode,
        passed: local.passed,
        failing: local.failing,
        outputBytes: local.totalOutputBytes,
      },
      'tests finished',
    );
    return toTestResult(local);
  } finally {
    stop();
  }
}
