import { describe, expect, it } from 'vitest';
import { createWorkspaceSlots, workspaceSlotKey } from './workspace-slots.js';

const ws = (attempt: number, workflowId = 'khitomer-KHI-1') => ({ workflowId, runId: 'run-1', attempt });

describe('workspace slots', () => {
  it('hands out at most `capacity` slots; the same workspace keeps its slot', () => {
    const slots = createWorkspaceSlots(2);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    expect(slots.tryAcquire(ws(2))).toBe(true);
    expect(slots.tryAcquire(ws(3))).toBe(false);
    expect(slots.inUse).toBe(2);
    slots.release(ws(1));
    slots.release(ws(1));
    expect(slots.tryAcquire(ws(3))).toBe(true);
  });

  it('frees an idle slot after idleMs, but never one with an activity running', async () => {
    let clock = 0;
    const slots = createWorkspaceSlots(1, { idleMs: 1_000, now: () => clock });
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const end = await slots.enter(ws(1));
    clock = 5_000;
    expect(slots.tryAcquire(ws(2))).toBe(false);
    end();
    end();
    clock = 5_500;
    expect(slots.tryAcquire(ws(2))).toBe(false);
    clock = 6_001;
    expect(slots.tryAcquire(ws(2))).toBe(true);
    expect(slots.inUse).toBe(1);
  });

  it('lets work that is already here run past capacity', async () => {
    const slots = createWorkspaceSlots(1);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    await slots.enter(ws(2));
    expect(slots.inUse).toBe(2);
    expect(workspaceSlotKey(ws(2))).toBe('khitomer-KHI-1/run-1/2');
  });

  it('runs the steps of one workspace one at a time, in order of arrival', async () => {
    const slots = createWorkspaceSlots(2);
    const order: string[] = [];
    const leaveFirst = await slots.enter(ws(1));
    const second = slots.enter(ws(1)).then((leave) => {
      order.push('second');
      leave();
    });
    const third = slots.enter(ws(1)).then((leave) => {
      order.push('third');
      leave();
    });
    const other = slots.enter(ws(2)).then((leave) => {
      order.push('other workspace');
      leave();
    });
    await other;
    expect(order).toEqual(['other workspace']);
    order.push('first leaves');
    leaveFirst();
    await Promise.all([second, third]);
    expect(order).toEqual(['other workspace', 'first leaves', 'second', 'third']);
  });

  it('stops waiting when the signal aborts, without blocking those behind', async () => {
    const slots = createWorkspaceSlots(1);
    const leaveFirst = await slots.enter(ws(1));
    const controller = new AbortController();
    const waiting = slots.enter(ws(1), controller.signal);
    const behind = slots.enter(ws(1));
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    leaveFirst();
    const leave = await behind;
    leave();
    expect(slots.inUse).toBe(1);
  });
});

describe('waiting for a slot', () => {
  it('hands a released slot to the oldest waiter, and lets nobody overtake the waiting runs', async () => {
    const slots = createWorkspaceSlots(1);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const first = slots.acquire(ws(2), { waitMs: 60_000 });
    expect(slots.waiting).toBe(1);
    expect(slots.tryAcquire(ws(3))).toBe(false);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    slots.release(ws(1));
    await expect(first).resolves.toBe(true);
    expect(slots.waiting).toBe(0);
    expect(slots.inUse).toBe(1);
    expect(slots.tryAcquire(ws(3))).toBe(false);
  });

  it('lets at most `capacity` runs wait; a wait that runs out gets false', async () => {
    const slots = createWorkspaceSlots(1);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const waiting = slots.acquire(ws(2), { waitMs: 20 });
    await expect(slots.acquire(ws(3), { waitMs: 60_000 })).resolves.toBe(false);
    await expect(waiting).resolves.toBe(false);
    expect(slots.waiting).toBe(0);
    expect(slots.inUse).toBe(1);
  });

  it('takes a slot that expired idle when the wait runs out', async () => {
    let clock = 0;
    const slots = createWorkspaceSlots(1, { idleMs: 1_000, now: () => clock });
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const waiting = slots.acquire(ws(2), { waitMs: 20 });
    clock = 2_000;
    await expect(waiting).resolves.toBe(true);
  });

  it('stops waiting on abort (no slot taken) and on close (false for everyone from then on)', async () => {
    const slots = createWorkspaceSlots(2);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    expect(slots.tryAcquire(ws(2))).toBe(true);
    const controller = new AbortController();
    const aborted = slots.acquire(ws(3), { waitMs: 60_000, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    const closed = slots.acquire(ws(4), { waitMs: 60_000 });
    slots.close();
    await expect(closed).resolves.toBe(false);
    await expect(slots.acquire(ws(5), { waitMs: 60_000 })).resolves.toBe(false);
    slots.release(ws(1));
    expect(slots.inUse).toBe(1);
    await expect(slots.acquire(ws(5), { waitMs: 60_000 })).resolves.toBe(true);
  });
});
