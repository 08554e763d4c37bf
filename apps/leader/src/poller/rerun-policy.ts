/**
 * When the poller may start a ticket (PRODUCT.md §4.4): never while a run is open; after a run
 * closed only when the ticket re-entered the ready status after that run started.
 */
import type { RunStatus } from '../service/types.js';

/** The facts about the ticket's latest run the decision needs. */
export interface LatestRun {
  status: RunStatus;
  startTime: Date;
}

/** Whether to start, and why. */
export type StartDecision =
  | { start: true; reason: 'no_previous_run' | 're_entered_ready' }
  | { start: false; reason: 'run_open' | 'not_re_entered_ready' };

/**
 * Decides whether the poller starts a run. `readyEnteredAt` is when the ticket last entered the
 * ready status (changelog), or null when unknown — then a closed run is not followed by another
 * (a wrong "no" is fixed by moving the ticket out and back; a wrong "yes" would duplicate work).
 * The comparison is strict: entering ready in the same millisecond the run started does not
 * count. Pure.
 */
export function decideStart(latest: LatestRun | null, readyEnteredAt: Date | null): StartDecision {
  if (latest === null) return { start: true, reason: 'no_previous_run' };
  if (latest.status === 'RUNNING') return { start: false, reason: 'run_open' };
  if (readyEnteredAt !== null && readyEnteredAt.getTime() > latest.startTime.getTime()) {
    return { start: true, reason: 're_entered_ready' };
  }
  return { start: false, reason: 'not_re_entered_ready' };
}
