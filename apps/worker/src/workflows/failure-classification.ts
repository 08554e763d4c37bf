/**
 * Decides what the workflow does with an activity failure, from the failure's `type` and timeout
 * kind only (never `instanceof`): Temporal failures are plain data after deserialisation, and
 * branching on names keeps this module pure and unit-testable.
 */
import { FailureTypes } from '@khitomer/contracts';

/** What an error means for the run. */
export type FailureVerdict =
  /** The run (or this scope) was cancelled: clean up, tell Jira, rethrow. */
  | { kind: 'cancelled' }
  /** The worker holding the clone is unreachable (heartbeat / schedule-to-start timeout): next attempt elsewhere. */
  | { kind: 'host_lost'; message: string }
  /** A transient problem outlived its retries: a fresh attempt may succeed. */
  | { kind: 'attempt_failed'; type: string; message: string }
  /** Retrying cannot help: the run ends with a Jira comment. */
  | { kind: 'fatal'; type: string; message: string; details: unknown };

/** Failure types that end the run at once whatever their `nonRetryable` flag says. */
export const FATAL_FAILURE_TYPES: readonly string[] = [
  FailureTypes.InvalidInput,
  FailureTypes.Unauthorized,
  FailureTypes.PermissionDenied,
  FailureTypes.NotFound,
  FailureTypes.InvalidRepository,
  FailureTypes.UnparseableModelOutput,
  FailureTypes.BudgetExhausted,
  FailureTypes.NoChanges,
  FailureTypes.SecretDetected,
  FailureTypes.PlanRejected,
  FailureTypes.ApprovalTimedOut,
  FailureTypes.Conflict,
];

interface FailureLike {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  nonRetryable?: unknown;
  timeoutType?: unknown;
  details?: unknown;
  cause?: unknown;
}

function asFailure(value: unknown): FailureLike | undefined {
  return typeof value === 'object' && value !== null ? (value as FailureLike) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The error and its causes, outermost first (at most 8 deep). */
function causeChain(err: unknown): FailureLike[] {
  const chain: FailureLike[] = [];
  let current = asFailure(err);
  while (current && chain.length < 8) {
    chain.push(current);
    current = asFailure(current.cause);
  }
  return chain;
}

/**
 * Classifies an error caught in the workflow. `isCancelled` is the SDK's `isCancellation(err)`,
 * passed in so this function stays free of SDK imports. Pure; never throws.
 */
export function classifyFailure(err: unknown, isCancelled: boolean): FailureVerdict {
  if (isCancelled) return { kind: 'cancelled' };
  const chain = causeChain(err);
  for (const failure of chain) {
    if (failure.name === 'CancelledFailure') return { kind: 'cancelled' };
    if (failure.name === 'TimeoutFailure' || typeof failure.timeoutType === 'string') {
      const timeoutType = text(failure.timeoutType);
      if (timeoutType === 'HEARTBEAT' || timeoutType === 'SCHEDULE_TO_START') {
        return { kind: 'host_lost', message: `the worker holding the workspace stopped responding (${timeoutType})` };
      }
      return {
        kind: 'attempt_failed',
        type: 'Timeout',
        message: `an activity timed out (${timeoutType || 'timeout'})`,
      };
    }
    if (failure.name === 'ApplicationFailure' || typeof failure.type === 'string') {
      const type = text(failure.type) || 'Error';
      const message = text(failure.message) || type;
      if (type === FailureTypes.HostLost) return { kind: 'host_lost', message };
      if (FATAL_FAILURE_TYPES.includes(type) || failure.nonRetryable === true) {
        const details = Array.isArray(failure.details) ? failure.details[0] : undefined;
        return { kind: 'fatal', type, message, details };
      }
      return { kind: 'attempt_failed', type, message };
    }
  }
  const innermost = chain[chain.length - 1];
  return { kind: 'attempt_failed', type: 'Error', message: text(innermost?.message) || 'unknown error' };
}

/** Reads `tokensUsed` from a failure's details (e.g. {@link FailureTypes.BudgetExhausted}). Pure. */
export function tokensFromDetails(details: unknown): number | undefined {
  const value = asFailure(details) as { tokensUsed?: unknown } | undefined;
  return typeof value?.tokensUsed === 'number' ? value.tokensUsed : undefined;
}
