/**
 * In-process retry of transient faults for adapters whose client library has none (jira.js).
 * Honours Retry-After up to a cap; longer waits are left to the caller (Temporal's retry policy)
 * by rethrowing the error with its `retryAfterMs`.
 */
import { IntegrationError, isIntegrationError } from './errors.js';
import type { Logger } from './logger.js';

/** How often and how long to retry. Durations in milliseconds. */
export interface RetryPolicy {
  /** Extra attempts after the first (0 disables retrying). */
  retries: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  baseDelayMs: number;
  /** Upper bound of one backoff delay. */
  maxDelayMs: number;
  /** Longest server-requested wait (Retry-After) honoured in-process. */
  maxRetryAfterMs: number;
}

/** Defaults: 3 retries, 500 ms doubling to at most 8 s, Retry-After honoured up to 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

/** Options of {@link withRetry}. */
export interface WithRetryOptions {
  policy: RetryPolicy;
  /** Short name of the operation, for logs. */
  operation: string;
  /**
   * Narrows which retryable errors are retried (e.g. only 429 for a non-idempotent POST).
   * Non-retryable errors (`IntegrationError.retryable === false`) are never retried.
   */
  shouldRetry?: (err: IntegrationError) => boolean;
  signal?: AbortSignal;
  logger?: Logger;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
}

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason as soon as `signal` aborts
 * (at once when it already has). Leaves no timer or listener behind.
 * @throws the abort reason.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sleeps `ms` milliseconds. Throws `IntegrationError('aborted')` (not retryable) when `signal`
 * fires first.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, signal);
  } catch {
    throw new IntegrationError('aborted', 'operation aborted');
  }
}

/** Backoff before retry number `attempt` (0-based): exponential, capped, with equal jitter. Pure; never throws. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/**
 * Runs `fn` and retries it on retryable `IntegrationError`s (429, 5xx, network, timeout) per
 * `policy`. The last error is rethrown unchanged; an error whose Retry-After exceeds
 * `maxRetryAfterMs` is rethrown at once so the caller can schedule the retry itself.
 * Errors that are not `IntegrationError`s are rethrown without retrying.
 * Throws `IntegrationError('aborted')` when `signal` fires while waiting.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const { policy, logger, signal } = options;
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isIntegrationError(err) || !err.retryable) throw err;
      if (options.shouldRetry && !options.shouldRetry(err)) throw err;
      if (attempt >= policy.retries) throw err;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
      const delayMs = err.retryAfterMs ?? backoffDelay(attempt, policy, options.random);
      logger?.warn(
        { operation: options.operation, code: err.code, status: err.status, attempt: attempt + 1, delayMs },
        'transient failure, retrying',
      );
      await wait(delayMs, signal);
    }
  }
}
