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

  it('frees an idle slot after idleMs, but never one with an activity running', () => {
    let clock = 0;
    const slots = createWorkspaceSlots(1, { idleMs: 1_000, now: () => clock });
    expect(slots.tryAcquire(ws(1))).toBe(true);
    const end = slots.begin(ws(1));
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

  it('lets work that is already here run past capacity', () => {
    const slots = createWorkspaceSlots(1);
    expect(slots.tryAcquire(ws(1))).toBe(true);
    slots.begin(ws(2));
    expect(slots.inUse).toBe(2);
    expect(workspaceSlotKey(ws(2))).toBe('khitomer-KHI-1/run-1/2');
  });
});
