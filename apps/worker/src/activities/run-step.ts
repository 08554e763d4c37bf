/**
 * Runs one activity step with its context, logs its outcome (without payloads) and applies the
 * error mapping at the boundary.
 */
import { FailureTypes } from '@khitomer/contracts';
import type { Logger } from '@khitomer/observability';
import type { WorkerMetrics } from '../worker-metrics.js';
import { failureTypeOf, toActivityFailure } from './error-mapping.js';
import { currentStepContext, type StepContext } from './step-context.js';

/**
 * Runs `fn` as activity `activity`. On cancellation the cancellation itself is rethrown (the
 * signal's `CancelledFailure`), whatever `fn` threw; any other error goes through
 * {@link toActivityFailure}.
 * @throws the mapped failure; retried per the activity's retry policy unless non-retryable.
 */
export async function runStep<T>(
  deps: { logger: Logger; metrics: WorkerMetrics },
  activity: string,
  jiraIssueKey: string | undefined,
  fn: (ctx: StepContext) => Promise<T>,
): Promise<T> {
  const ctx = currentStepContext(deps.logger, activity, jiraIssueKey);
  const started = Date.now();
  ctx.logger.debug({}, 'activity started');
  try {
    const result = await fn(ctx);
    ctx.logger.info({ durationMs: Date.now() - started }, 'activity completed');
    return result;
  } catch (err) {
    if (ctx.signal.aborted) {
      ctx.logger.info({ durationMs: Date.now() - started }, 'activity cancelled');
      throw ctx.signal.reason ?? err;
    }
    const mapped = toActivityFailure(err);
    const type = failureTypeOf(mapped);
    deps.metrics.activityFailures.inc({ activity, type });
    // A busy host's refusal is routine queueing (retried every few seconds), not a problem.
    (type === FailureTypes.HostBusy ? ctx.logger.debug : ctx.logger.warn).call(
      ctx.logger,
      { durationMs: Date.now() - started, type, error: mapped instanceof Error ? mapped.message : String(mapped) },
      'activity failed',
    );
    throw mapped;
  }
}
