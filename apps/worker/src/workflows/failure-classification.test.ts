import { FailureTypes } from '@khitomer/contracts';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  RetryState,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyFailure, tokensFromDetails } from './failure-classification.js';

function activityFailure(cause: Error, retryState: RetryState = RetryState.MAXIMUM_ATTEMPTS_REACHED): ActivityFailure {
  return new ActivityFailure('activity failed', 'implementChanges', '5', retryState, 'worker-1', cause);
}

describe('classifyFailure', () => {
  it('treats cancellation as cancelled, whatever wraps it', () => {
    expect(classifyFailure(new Error('x'), true)).toEqual({ kind: 'cancelled' });
    expect(classifyFailure(activityFailure(new CancelledFailure('cancelled')), false)).toEqual({ kind: 'cancelled' });
  });

  it('treats heartbeat and schedule-to-start timeouts as a lost host', () => {
    for (const type of [TimeoutType.HEARTBEAT, TimeoutType.SCHEDULE_TO_START]) {
      const verdict = classifyFailure(activityFailure(new TimeoutFailure('timeout', undefined, type)), false);
      expect(verdict.kind).toBe('host_lost');
    }
  });

  it('treats a start-to-close timeout as a failed attempt', () => {
    const verdict = classifyFailure(
      activityFailure(new TimeoutFailure('timeout', undefined, TimeoutType.START_TO_CLOSE)),
      false,
    );
    expect(verdict).toMatchObject({ kind: 'attempt_failed', type: 'Timeout' });
  });

  it('ends the run on non-retryable or fatal failure types and keeps the first detail', () => {
    const budget = ApplicationFailure.create({
      message: 'budget',
      type: FailureTypes.BudgetExhausted,
      nonRetryable: true,
      details: [{ tokensUsed: 21_000 }],
    });
    const verdict = classifyFailure(activityFailure(budget, RetryState.NON_RETRYABLE_FAILURE), false);
    expect(verdict).toEqual({
      kind: 'fatal',
      type: 'BudgetExhausted',
      message: 'budget',
      details: { tokensUsed: 21_000 },
    });
    expect(tokensFromDetails(verdict.kind === 'fatal' ? verdict.details : undefined)).toBe(21_000);
    // A fatal type stays fatal even if someone forgot the flag.
    expect(classifyFailure(ApplicationFailure.retryable('x', FailureTypes.SecretDetected), false).kind).toBe('fatal');
  });

  it('gives exhausted transient failures another attempt', () => {
    const transient = ApplicationFailure.retryable('github: 502', FailureTypes.Transient);
    expect(classifyFailure(activityFailure(transient), false)).toEqual({
      kind: 'attempt_failed',
      type: 'Transient',
      message: 'github: 502',
    });
    expect(classifyFailure(new Error('boom'), false)).toEqual({
      kind: 'attempt_failed',
      type: 'Error',
      message: 'boom',
    });
  });

  it('reads HostLost as a lost host', () => {
    expect(classifyFailure(ApplicationFailure.nonRetryable('gone', FailureTypes.HostLost), false).kind).toBe(
      'host_lost',
    );
  });

  it('never throws on odd values', () => {
    expect(classifyFailure(undefined, false).kind).toBe('attempt_failed');
    expect(classifyFailure('text', false).kind).toBe('attempt_failed');
    expect(tokensFromDetails('x')).toBeUndefined();
  });
});
