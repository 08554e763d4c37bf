/**
 * Timeouts and retry policies of every activity (ARCHITECTURE.md "Suggested timeouts"), derived
 * from the run's {@link WorkflowTimeouts}. Pure.
 *
 * Clone-bound activities run on the host queue with a short schedule-to-start timeout (never
 * retried by Temporal) and a heartbeat timeout: when the host dies, the failure surfaces after
 * heartbeat + first retry interval + schedule-to-start, and the workflow starts a fresh attempt.
 */
import { DEFAULT_WORKFLOW_TIMEOUTS, type WorkflowTimeouts } from '@khitomer/contracts';
import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';
import { FATAL_FAILURE_TYPES } from './failure-classification.js';

/** Longest backoff between retries, in ms. */
const MAX_RETRY_INTERVAL_MS = 30_000;
/** Jira/GitHub calls keep retrying (with backoff, honouring Retry-After) for at most this long, in ms. */
const EXTERNAL_RETRY_WINDOW_MS = 30 * 60_000;
/** Extra start-to-close time of `runTests` beyond TEST_TIMEOUT (process-group kill, output), in ms. */
const TEST_SLACK_MS = 60_000;
/** Start-to-close of `cleanupWorkspace`, in ms. */
const CLEANUP_MS = 60_000;

/** Fills absent fields with {@link DEFAULT_WORKFLOW_TIMEOUTS}; rejects nothing. Pure. */
export function resolveTimeouts(partial: Partial<WorkflowTimeouts> | undefined): WorkflowTimeouts {
  const out: WorkflowTimeouts = { ...DEFAULT_WORKFLOW_TIMEOUTS };
  for (const key of Object.keys(out) as (keyof WorkflowTimeouts)[]) {
    const value = partial?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value;
  }
  return out;
}

/** A retry policy; `maximumAttempts` undefined = unlimited (bounded by the schedule-to-close timeout). */
function retry(t: WorkflowTimeouts, maximumAttempts: number | undefined): ActivityOptions['retry'] {
  return {
    initialInterval: t.retryInitialIntervalMs,
    backoffCoefficient: 2,
    maximumInterval: MAX_RETRY_INTERVAL_MS,
    ...(maximumAttempts === undefined ? {} : { maximumAttempts }),
    nonRetryableErrorTypes: [...FATAL_FAILURE_TYPES],
  };
}

/**
 * `openPullRequest`: as {@link externalCallOptions}, but a cancel waits for a call in flight to end
 * instead of abandoning it, so the workflow learns of a PR that was opened while the cancel
 * arrived (and withdraws it).
 */
export function pullRequestCallOptions(t: WorkflowTimeouts): ActivityOptions {
  return { ...externalCallOptions(t), cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED };
}

/** `notifyJira`, `openPullRequest`, `updateJira`: shared queue, retried for up to 30 min. */
export function externalCallOptions(t: WorkflowTimeouts): ActivityOptions {
  return {
    startToCloseTimeout: t.externalCallMs,
    scheduleToCloseTimeout: Math.max(EXTERNAL_RETRY_WINDOW_MS, t.externalCallMs),
    retry: retry(t, undefined),
  };
}

/**
 * `getHostQueue`: like the other shared calls, but retried without a deadline — a `HostBusy`
 * answer means every worker hosts as many runs as it may, and waiting for a slot is queueing,
 * not failure (the run stays cancellable meanwhile).
 */
export function hostQueueLookupOptions(t: WorkflowTimeouts): ActivityOptions {
  return { startToCloseTimeout: t.externalCallMs, retry: retry(t, undefined) };
}

/** Which clone-bound activity. */
export type HostActivityName =
  | 'prepareWorkspace'
  | 'runTests'
  | 'implementChanges'
  | 'commitAndPush'
  | 'cleanupWorkspace';

/**
 * Options of one clone-bound activity on `hostQueue`. Cancellation waits for the activity to stop
 * (so cleanup never races a running agent or test process). `testTimeoutMs` sizes `runTests`.
 */
export function hostActivityOptions(
  name: HostActivityName,
  hostQueue: string,
  t: WorkflowTimeouts,
  testTimeoutMs: number,
): ActivityOptions {
  const base: ActivityOptions = {
    taskQueue: hostQueue,
    scheduleToStartTimeout: t.hostScheduleToStartMs,
    heartbeatTimeout: t.heartbeatMs,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
  switch (name) {
    case 'prepareWorkspace':
      return { ...base, startToCloseTimeout: t.prepareWorkspaceMs, retry: retry(t, 3) };
    case 'runTests':
      // A red test is a result, not a failure: nothing to retry.
      return { ...base, startToCloseTimeout: testTimeoutMs + TEST_SLACK_MS, retry: retry(t, 1) };
    case 'implementChanges':
      return { ...base, startToCloseTimeout: t.implementChangesMs, retry: retry(t, 2) };
    case 'commitAndPush':
      return { ...base, startToCloseTimeout: t.commitAndPushMs, retry: retry(t, 3) };
    case 'cleanupWorkspace':
      // No heartbeat: removing a folder is quick. Tried twice; a dead host keeps its folder.
      return {
        taskQueue: hostQueue,
        scheduleToStartTimeout: t.hostScheduleToStartMs,
        startToCloseTimeout: CLEANUP_MS,
        retry: retry(t, 2),
      };
  }
}
