/**
 * Delay before the next poll: the configured interval after a good poll; after failed polls the
 * interval doubled per consecutive failure (at most 16×, at most 30 minutes unless the interval
 * itself is longer), with ±20 % jitter, and never shorter than a server's Retry-After.
 */

/** Longest backoff unless the interval itself is longer, in ms. */
export const MAX_POLL_BACKOFF_MS = 30 * 60 * 1000;
const MAX_DOUBLINGS = 4;

/** Inputs of {@link nextPollDelay}. Durations in milliseconds. */
export interface PollDelayInput {
  /** JIRA_POLL_INTERVAL. */
  intervalMs: number;
  /** Failed polls in a row, the one just finished included; 0 after a good poll. */
  consecutiveFailures: number;
  /** Retry-After of the last failure, if the server sent one. */
  retryAfterMs?: number;
  /** Returns [0, 1); jitter source. */
  random?: () => number;
}

/** Milliseconds to wait before the next poll. Pure (given `random`); never throws. */
export function nextPollDelay(input: PollDelayInput): number {
  const { intervalMs } = input;
  if (input.consecutiveFailures <= 0) return intervalMs;
  const doublings = Math.min(input.consecutiveFailures, MAX_DOUBLINGS);
  const cap = Math.max(intervalMs, MAX_POLL_BACKOFF_MS);
  const backoff = Math.min(intervalMs * 2 ** doublings, cap);
  const jitter = 0.8 + 0.4 * (input.random ?? Math.random)();
  const delay = Math.round(backoff * jitter);
  return Math.max(delay, intervalMs, input.retryAfterMs ?? 0);
}
