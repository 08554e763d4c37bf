/** Wall-clock helpers of the benchmark. */
import { performance } from 'node:perf_hooks';
import { delay } from '@khitomer/integrations';

/** Milliseconds on a monotonic clock (not the epoch). */
export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns its result with the wall time it took, in milliseconds. Rethrows what `fn` throws. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = now();
  const result = await fn();
  return { result, ms: now() - started };
}

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason as soon as `signal` aborts.
 * @throws the abort reason.
 */
export const sleep: (ms: number, signal?: AbortSignal) => Promise<void> = delay;
