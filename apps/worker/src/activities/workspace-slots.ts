/**
 * How many runs one worker hosts at once (WORKER_CONCURRENCY). `getHostQueue` hands this host's
 * queue only to a run that got a slot; without that, a busy but healthy worker would be handed
 * more runs than it executes at once, their clone-bound activities would wait in its queue past
 * the schedule-to-start timeout, and the workflow would take the host for dead and give up after
 * a few fresh attempts. Also keeps two tries of one workspace's steps from running at once.
 * Bookkeeping in memory: slots die with the process.
 */
import type { WorkspaceKey } from '../workflows/activity-types.js';

/** The slots of one worker process. */
export interface WorkspaceSlots {
  /** Runs hosted at once at most. */
  readonly capacity: number;
  /** Slots in use now (expired idle ones not counted). */
  readonly inUse: number;
  /** Runs waiting in {@link WorkspaceSlots.acquire} now. */
  readonly waiting: number;
  /** Takes a slot for `workspace`; true when it has one (also when it already had it), false when all are taken. */
  tryAcquire(workspace: WorkspaceKey): boolean;
  /**
   * Like {@link WorkspaceSlots.tryAcquire}, but when all slots are taken waits up to `waitMs` for
   * one to be released (first come, first served). At most `capacity` runs wait at once: the next
   * ones get false at once, as do waiting ones when {@link WorkspaceSlots.close} is called.
   * @throws the signal's reason when `signal` aborts while waiting (no slot is then taken).
   */
  acquire(workspace: WorkspaceKey, options: { waitMs: number; signal?: AbortSignal }): Promise<boolean>;
  /** Stops all waiting (they get false) and lets no one wait from now on; slots stay usable. Idempotent. */
  close(): void;
  /**
   * Waits until no other activity of `workspace` runs in this process, then marks this one as
   * running; the slot cannot expire until the returned function is called. A retry that Temporal
   * starts while the try it gave up on is still winding down here (e.g. after a missed heartbeat)
   * thus never works on the clone at the same time. Takes a slot even past capacity (the work is
   * here already).
   * @throws the signal's reason when `signal` aborts while waiting.
   */
  enter(workspace: WorkspaceKey, signal?: AbortSignal): Promise<() => void>;
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

interface Waiter {
  key: string;
  /** Settles the waiter's `acquire` (clears its timer and abort listener first). */
  settle(granted: boolean): void;
}

interface Lease {
  running: number;
  lastUsed: number;
  /** Settles when the last activity that entered has left. */
  tail: Promise<void>;
}

/** `promise`, or the signal's reason when it aborts first. */
function waitFor(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
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
  const waiters: Waiter[] = [];
  let closed = false;
  const newLease = (): Lease => ({ running: 0, lastUsed: now(), tail: Promise.resolve() });

  const purge = (): void => {
    const at = now();
    for (const [key, lease] of leases) if (lease.running === 0 && at - lease.lastUsed > idleMs) leases.delete(key);
  };

  const tryAcquireKey = (key: string): boolean => {
    const existing = leases.get(key);
    if (existing) {
      existing.lastUsed = now();
      return true;
    }
    purge();
    if (leases.size >= max) return false;
    leases.set(key, newLease());
    return true;
  };

  const tryAcquire = (workspace: WorkspaceKey): boolean => {
    const key = workspaceSlotKey(workspace);
    // Nobody overtakes the waiting runs (a retry of a workspace that has its slot still passes).
    if (waiters.length > 0 && !leases.has(key)) return false;
    return tryAcquireKey(key);
  };

  /** Hands free slots to the waiters, oldest first. */
  const grant = (): void => {
    while (waiters.length > 0) {
      const next = waiters[0] as Waiter;
      if (!tryAcquireKey(next.key)) return;
      waiters.shift();
      next.settle(true);
    }
  };

  return {
    capacity: max,
    get inUse() {
      purge();
      return leases.size;
    },
    get waiting() {
      return waiters.length;
    },
    tryAcquire,
    acquire(workspace, { waitMs, signal }) {
      signal?.throwIfAborted();
      if (tryAcquire(workspace)) return Promise.resolve(true);
      if (closed || waitMs <= 0 || waiters.length >= max) return Promise.resolve(false);
      const key = workspaceSlotKey(workspace);
      return new Promise<boolean>((resolve, reject) => {
        const onAbort = (): void => {
          remove();
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          remove();
          // A slot may have expired idle meanwhile (nothing announces that).
          resolve(tryAcquireKey(key));
          grant();
        }, waitMs);
        const waiter: Waiter = {
          key,
          settle(granted) {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(granted);
          },
        };
        const remove = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    close() {
      closed = true;
      for (const waiter of waiters.splice(0)) waiter.settle(false);
    },
    async enter(workspace, signal) {
      const key = workspaceSlotKey(workspace);
      let lease = leases.get(key);
      if (!lease) {
        lease = newLease();
        leases.set(key, lease);
      }
      const held = lease;
      held.running++;
      const previous = held.tail;
      let leave!: () => void;
      held.tail = new Promise<void>((resolve) => {
        leave = resolve;
      });
      let left = false;
      const exit = (): void => {
        if (left) return;
        left = true;
        held.running--;
        held.lastUsed = now();
        // Whoever waits behind us goes only after everyone before us has left too.
        void previous.then(leave);
      };
      try {
        await waitFor(previous, signal);
      } catch (err) {
        exit();
        throw err;
      }
      return exit;
    },
    release(workspace) {
      leases.delete(workspaceSlotKey(workspace));
      grant();
    },
  };
}
