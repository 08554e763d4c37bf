import { FailureTypes } from '@khitomer/contracts';
import { createLogger } from '@khitomer/observability';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { getHostQueue, HOST_BUSY_RETRY_MS, HOST_WAIT_OVER_RETRY_MS } from './get-host-queue.js';
import type { StepContext } from './step-context.js';
import { createWorkspaceSlots } from './workspace-slots.js';

const ws = (attempt: number) => ({ workflowId: 'khitomer-KHI-1', runId: 'run-1', attempt });

function stepContext(signal = new AbortController().signal): StepContext & { beats: number } {
  const ctx = {
    signal,
    attempt: 1,
    workflowId: 'khitomer-KHI-1',
    runId: 'run-1',
    logger: createLogger({ service: 'test', level: 'silent' }),
    beats: 0,
    heartbeat: () => {
      ctx.beats++;
    },
  };
  return ctx;
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('getHostQueue', () => {
  it('answers with this host queue at once while a slot is free', async () => {
    const deps = { hostQueue: 'q.host.a', workspaceSlots: createWorkspaceSlots(1) };
    await expect(getHostQueue(deps, stepContext(), { workspace: ws(1) })).resolves.toBe('q.host.a');
    await expect(getHostQueue({ hostQueue: 'q.host.a' }, stepContext(), undefined)).resolves.toBe('q.host.a');
  });

  it('waits (heartbeating) for a slot to be released, then answers', async () => {
    const slots = createWorkspaceSlots(1);
    const deps = { hostQueue: 'q.host.a', workspaceSlots: slots };
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const ctx = stepContext();
    const answer = getHostQueue(deps, ctx, { workspace: ws(2) });
    expect(slots.waiting).toBe(1);
    expect(ctx.beats).toBeGreaterThan(0);
    slots.release(ws(1));
    await expect(answer).resolves.toBe('q.host.a');
  });

  it('refuses with a benign HostBusy: soon again after a wait that ran out, later when the line is full', async () => {
    const slots = createWorkspaceSlots(1);
    const deps = { hostQueue: 'q.host.a', workspaceSlots: slots };
    expect(slots.tryAcquire(ws(1))).toBe(true);
    // A 40 ms start-to-close timeout bounds the wait to 20 ms.
    const waited = getHostQueue(deps, stepContext(), { workspace: ws(2) }, 40);
    const full = await failureOf(getHostQueue(deps, stepContext(), { workspace: ws(3) }));
    expect(full.type).toBe(FailureTypes.HostBusy);
    expect(full.nonRetryable).toBe(false);
    expect(full.nextRetryDelay).toBe(HOST_BUSY_RETRY_MS);
    expect(full.category).toBe(ApplicationFailureCategory.BENIGN);
    const over = await failureOf(waited);
    expect(over.type).toBe(FailureTypes.HostBusy);
    expect(over.nextRetryDelay).toBe(HOST_WAIT_OVER_RETRY_MS);
    expect(over.category).toBe(ApplicationFailureCategory.BENIGN);
  });

  it('stops waiting when cancelled, without taking a slot', async () => {
    const slots = createWorkspaceSlots(1);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const controller = new AbortController();
    const answer = getHostQueue({ hostQueue: 'q', workspaceSlots: slots }, stepContext(controller.signal), {
      workspace: ws(2),
    });
    controller.abort(new Error('cancelled'));
    await expect(answer).rejects.toThrow('cancelled');
    slots.release(ws(1));
    expect(slots.inUse).toBe(0);
  });
});
