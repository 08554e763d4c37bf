import { describe, expect, it } from 'vitest';
import { IntegrationError } from './errors.js';
import { backoffDelay, type RetryPolicy, sleep, withRetry } from './retry.js';

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetry', () => {
  it('retries transient faults with backoff and returns the first success', async () => {
    const { waits, sleep: fakeSleep } = recorder();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new IntegrationError('unavailable', '503', { status: 503 });
        return 'ok';
      },
      { policy, operation: 'op', sleep: fakeSleep, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([75, 150]);
  });

  it('honours Retry-After instead of the backoff', async () => {
    const { waits, sleep: fakeSleep } = recorder();
    let calls = 0;
    await withRetry(
      async () => {
        if (calls++ === 0) throw new IntegrationError('rate_limited', '429', { status: 429, retryAfterMs: 2000 });
        return 'ok';
      },
      { policy, operation: 'op', sleep: fakeSleep },
    );
    expect(waits).toEqual([2000]);
  });

  it('rethrows at once when Retry-After exceeds the cap, non-retryable errors and foreign errors', async () => {
    const { waits, sleep: fakeSleep } = recorder();
    const long = new IntegrationError('rate_limited', '429', { retryAfterMs: 60_000 });
    await expect(withRetry(() => Promise.reject(long), { policy, operation: 'op', sleep: fakeSleep })).rejects.toBe(
      long,
    );
    const notFound = new IntegrationError('not_found', '404');
    await expect(withRetry(() => Promise.reject(notFound), { policy, operation: 'op', sleep: fakeSleep })).rejects.toBe(
      notFound,
    );
    const foreign = new TypeError('bug');
    await expect(withRetry(() => Promise.reject(foreign), { policy, operation: 'op', sleep: fakeSleep })).rejects.toBe(
      foreign,
    );
    expect(waits).toEqual([]);
  });

  it('gives up after `retries` and respects shouldRetry', async () => {
    const { waits, sleep: fakeSleep } = recorder();
    let calls = 0;
    const fail = () => {
      calls++;
      return Promise.reject(new IntegrationError('network', 'reset'));
    };
    await expect(withRetry(fail, { policy, operation: 'op', sleep: fakeSleep })).rejects.toMatchObject({
      code: 'network',
    });
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetry(fail, { policy, operation: 'op', sleep: fakeSleep, shouldRetry: (e) => e.code === 'rate_limited' }),
    ).rejects.toMatchObject({ code: 'network' });
    expect(calls).toBe(1);
    expect(waits).toHaveLength(3);
  });
});

describe('backoffDelay / sleep', () => {
  it('doubles per attempt, caps, and jitters within [d/2, d]', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 0.999)).toBe(100);
    expect(backoffDelay(2, policy, () => 0)).toBe(200);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });

  it('sleep rejects with aborted when the signal fires', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });
});
