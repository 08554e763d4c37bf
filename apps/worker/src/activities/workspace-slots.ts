/**
 * How many runs one worker hosts at once (WORKER_CONCURRENCY). `getHostQueue` hands this host's
 * queue only to a run that got a slot; without that, a busy but healthy worker would be handed
 * more runs than it executes at once, their clone-bound activities would wait in its queue past
 * the schedule-to-start timeout, and the workflow would take the host for dead and give up after
 * a few fresh attempts. Pure bookkeeping in memory: slots die with the process.
 */
import type { WorkspaceKey } from '../workflows/activity-types.js';

/** The slots of one worker process. */
export interface WorkspaceSlots {
  /** Runs hosted at once at most. */
  readonly capacity: number;
  /** Slots in use now (expired idle ones not counted). */
  readonly inUse: number;
  /** Takes a slot for `workspace`; true when it has one (also when it already had it), false when all are taken. */
  tryAcquire(workspace: WorkspaceKey): boolean;
  /**
   * Marks an activity of `workspace` as running; the slot cannot expire until the returned
   * function is called. Takes a slot even past capacity (the work is here already).
   */
  begin(workspace: WorkspaceKey): () => void;
  /** Frees the slot of `workspace`. Idempotent. */
  release(workspace: WorkspaceKey): void;
}

/** Options of {@link createWorkspaceSlots}. Durations in milliseconds. */
export interface WorkspaceSlotsOptions {
  /**
   * A slot with no activity running for this long is freed (its run moved on without cleaning
   * up, e.g. after taking this host for lost). Default 120 000.
   */
  idleMs?: number;
  /** Clock; injectable for tests. */
  now?: () => number;
}

interface Lease {
  running: number;
  lastUsed: number;
}

/** The slot key of a workspace: one per run attempt. Pure. */
export function workspaceSlotKey(workspace: WorkspaceKey): string {
  return `${workspace.workflowId}/${workspace.runId}/${workspace.attempt}`;
}

/**
 * Creates the slots of a worker hosting at most `capacity` runs (at least 1).
 * Never throws.
 */
export function createWorkspaceSlots(capacity: number, options: WorkspaceSlotsOptions = {}): WorkspaceSlots {
  const max = Math.max(1, Math.floor(capacity));
  const idleMs = options.idleMs ?? 120_000;
  const now = options.now ?? Date.now;
  const leases = new Map<string, Lease>();

  const purge = (): void => {
    const at = now();
    for (const [key, lease] of leases) if (lease.running === 0 && at - lease.lastUsed > idleMs) leases.delete(key);
  };

  return {
    capacity: max,
    get inUse() {
      purge();
      return leases.size;
    },
    tryAcquire(workspace) {
      const key = workspaceSlotKey(workspace);
      const existing = leases.get(key);
      if (existing) {
        existing.lastUsed = now();
        return true;
      }
      purge();
      if (leases.size >= max) return false;
      leases.set(key, { running: 0, lastUsed: now() });
      return true;
    },
    begin(workspace) {
      const key = workspaceSlotKey(workspace);
      let lease = leases.get(key);
      if (!lease) {
        lease = { running: 0, lastUsed: now() };
        leases.set(key, lease);
      }
      lease.running++;
      const held = lease;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        held.running--;
        held.lastUsed = now();
      };
    },
    release(workspace) {
      leases.delete(workspaceSlotKey(workspace));
    },
  };
}
