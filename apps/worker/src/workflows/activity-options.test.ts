import { DEFAULT_WORKFLOW_TIMEOUTS } from '@khitomer/contracts';
import { ActivityCancellationType } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import {
  externalCallOptions,
  hostActivityOptions,
  hostQueueLookupOptions,
  resolveTimeouts,
} from './activity-options.js';

const t = resolveTimeouts(undefined);

describe('activity options', () => {
  it('fills missing or invalid timeouts with the defaults', () => {
    expect(t).toEqual(DEFAULT_WORKFLOW_TIMEOUTS);
    expect(resolveTimeouts({ heartbeatMs: 3_000, hostScheduleToStartMs: -1 })).toEqual({
      ...DEFAULT_WORKFLOW_TIMEOUTS,
      heartbeatMs: 3_000,
    });
  });

  it('notices a dead host within 2 minutes with the defaults', () => {
    const implement = hostActivityOptions('implementChanges', 'q', t, 600_000);
    const detection =
      Number(implement.heartbeatTimeout) + t.retryInitialIntervalMs + Number(implement.scheduleToStartTimeout);
    expect(detection).toBeLessThan(120_000);
  });

  it('waits for a host slot without a deadline: getHostQueue retries HostBusy until a worker has room', () => {
    const options = hostQueueLookupOptions(t);
    expect(options.scheduleToCloseTimeout).toBeUndefined();
    expect(options.retry?.maximumAttempts).toBeUndefined();
    expect(options.retry?.nonRetryableErrorTypes).not.toContain('HostBusy');
    expect(options.startToCloseTimeout).toBe(t.externalCallMs);
  });

  it('binds clone activities to the host queue with schedule-to-start and heartbeat timeouts', () => {
    for (const name of ['prepareWorkspace', 'runTests', 'implementChanges', 'commitAndPush'] as const) {
      const options = hostActivityOptions(name, 'host-q', t, 600_000);
      expect(options.taskQueue).toBe('host-q');
      expect(options.scheduleToStartTimeout).toBe(t.hostScheduleToStartMs);
      expect(options.heartbeatTimeout).toBe(t.heartbeatMs);
      expect(options.cancellationType).toBe(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    }
    expect(hostActivityOptions('runTests', 'q', t, 600_000)).toMatchObject({
      startToCloseTimeout: 660_000,
      retry: { maximumAttempts: 1 },
    });
    expect(hostActivityOptions('implementChanges', 'q', t, 1).retry?.nonRetryableErrorTypes).toContain(
      'BudgetExhausted',
    );
    expect(hostActivityOptions('cleanupWorkspace', 'q', t, 1).heartbeatTimeout).toBeUndefined();
  });

  it('retries Jira/GitHub calls without an attempt limit inside a bounded window', () => {
    const options = externalCallOptions(t);
    expect(options.retry?.maximumAttempts).toBeUndefined();
    expect(options.scheduleToCloseTimeout).toBe(30 * 60_000);
    expect(options.taskQueue).toBeUndefined();
  });
});
