/** `implementChanges`: the agent loop of PRODUCT.md §6 in the clone. */
import { FailureTypes } from '@khitomer/contracts';
import { ApplicationFailure } from '@temporalio/common';
import { type AgentProgress, runAgent } from '../agent/index.js';
import { runRepositoryTests } from '../test-runner/index.js';
import type {
  BudgetExhaustedDetails,
  ImplementChangesInput,
  ImplementChangesResult,
} from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';
import { keepHeartbeating } from './step-context.js';
import { workspaceDirFor } from './workspace-path.js';

/** Longest agent summary returned (it goes into history, the PR body and Jira). */
const MAX_SUMMARY_CHARS = 2_000;

/**
 * Runs the agent until `finish`, AGENT_MAX_STEPS or the token budget. A retry starts from the
 * last commit (`git reset --hard` + `git clean -fdx`), so a restarted loop is a fresh one.
 * Heartbeats `{step, tokensUsed}`; cancellation aborts the model call, tool or test run in flight.
 * Not idempotent by itself (edits files) — made safe by the reset.
 * @throws non-retryable `BudgetExhausted` (details {@link BudgetExhaustedDetails}) when the token
 *   budget ran out; adapter errors of the model call (mapped at the boundary: 429/5xx retried).
 */
export async function implementChanges(
  deps: Pick<ActivityDeps, 'llm' | 'git' | 'workspaceRoot' | 'metrics' | 'heartbeatIntervalMs'>,
  ctx: StepContext,
  input: ImplementChangesInput,
): Promise<ImplementChangesResult> {
  const dir = workspaceDirFor(deps.workspaceRoot, input.workspace);
  if (ctx.attempt > 1) {
    await deps.git.reset(dir);
    ctx.logger.info({}, 'workspace reset for a fresh agent run');
  }
  let progress: AgentProgress = {
    step: 0,
    tokensUsed: 0,
    totalTokensUsed: input.tokensAlreadyUsed,
    lastTool: null,
  };
  let installed = false;
  const stop = keepHeartbeating(
    ctx,
    () => ({ step: progress.step, tokensUsed: progress.totalTokensUsed }),
    deps.heartbeatIntervalMs,
  );
  try {
    const result = await runAgent({
      llm: deps.llm,
      workspaceDir: dir,
      plan: input.plan,
      ticket: input.ticket,
      maxSteps: input.maxSteps,
      tokenBudget: input.tokenBudget,
      tokensAlreadyUsed: input.tokensAlreadyUsed,
      runTests: (signal) => {
        const install = !installed;
        installed = true;
        return runRepositoryTests({
          dir,
          timeoutMs: input.testTimeoutMs,
          install,
          logger: ctx.logger,
          ...(signal ? { signal } : {}),
          ...(input.testCommand ? { override: input.testCommand } : {}),
        });
      },
      onProgress: (p) => {
        progress = p;
      },
      signal: ctx.signal,
      logger: ctx.logger,
    });
    deps.metrics.tokens.inc(result.tokensUsed);
    const totalTokens = input.tokensAlreadyUsed + result.tokensUsed;
    if (result.stopReason === 'budget_exhausted') {
      const details: BudgetExhaustedDetails = {
        tokensUsed: totalTokens,
        tokenBudget: input.tokenBudget,
        agentSteps: result.steps,
      };
      throw ApplicationFailure.create({
        message: `The token budget ran out: ${totalTokens} of ${input.tokenBudget} tokens used after ${result.steps} agent steps`,
        type: FailureTypes.BudgetExhausted,
        nonRetryable: true,
        details: [details],
      });
    }
    const changed = await deps.git.changedFiles(dir);
    ctx.logger.info(
      {
        stopReason: result.stopReason,
        steps: result.steps,
        tokensUsed: result.tokensUsed,
        changedFiles: changed.length,
      },
      'agent finished',
    );
    return {
      stopReason: result.stopReason,
      summary: result.summary.slice(0, MAX_SUMMARY_CHARS),
      steps: result.steps,
      tokensUsed: result.tokensUsed,
      changedFiles: changed.map((f) => ({ path: f.path, status: f.status })),
    };
  } finally {
    stop();
  }
}
