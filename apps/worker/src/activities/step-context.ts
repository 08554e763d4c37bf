/**
 * The slice of Temporal's activity context the steps use, behind a small interface so the steps
 * take it as a parameter (dependency injection) instead of reaching for `Context.current()`.
 */
import type { Logger } from '@khitomer/observability';
import { Context } from '@temporalio/activity';

/** What one activity execution knows about itself. */
export interface StepContext {
  /** Aborted when Temporal cancels the activity (delivered with heartbeats); its reason is the `CancelledFailure`. */
  readonly signal: AbortSignal;
  /** 1-based attempt of this activity (retries count up). */
  readonly attempt: number;
  readonly workflowId: string;
  readonly runId: string;
  /** Logger carrying `activity`, `jiraIssueKey`, `workflowId`. */
  readonly logger: Logger;
  /** Records liveness and progress; the SDK throttles what is sent. Never throws. */
  heartbeat(details?: unknown): void;
}

/**
 * The context of the activity running now, with a run-scoped child of `logger`.
 * @throws Error (from the SDK) when called outside an activity.
 */
export function currentStepContext(logger: Logger, activity: string, jiraIssueKey: string | undefined): StepContext {
  const context = Context.current();
  const { attempt } = context.info;
  const workflowId = context.info.workflowExecution?.workflowId ?? '';
  const runId = context.info.workflowExecution?.runId ?? '';
  return {
    signal: context.cancellationSignal,
    attempt,
    workflowId,
    runId,
    logger: logger.child({
      component: 'activity',
      activity,
      workflowId,
      ...(jiraIssueKey ? { jiraIssueKey } : {}),
      attempt,
    }),
    heartbeat: (details?: unknown) => context.heartbeat(details),
  };
}

/**
 * Heartbeats every `intervalMs` (and once at once) with `details()` until the returned function
 * is called, so a live worker is never mistaken for a dead one while a long call is in flight,
 * and cancellation reaches the activity promptly. Never throws.
 */
export function keepHeartbeating(ctx: StepContext, details: () => unknown, intervalMs = 1000): () => void {
  const beat = (): void => {
    try {
      ctx.heartbeat(details());
    } catch {
      // Heartbeat details that cannot be serialised must not kill the step.
    }
  };
  beat();
  const timer = setInterval(beat, Math.max(50, intervalMs));
  return () => clearInterval(timer);
}
