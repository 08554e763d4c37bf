import { describe, expect, it } from 'vitest';
import { MAX_POLL_BACKOFF_MS, nextPollDelay } from './poll-backoff.js';

const middle = () => 0.5; // no jitter: factor 1.0

describe('nextPollDelay', () => {
  it('waits the interval after a good poll', () => {
    expect(nextPollDelay({ intervalMs: 300_000, consecutiveFailures: 0, random: middle })).toBe(300_000);
  });

  it('doubles per consecutive failure, up to 16 × the interval', () => {
    const delays = [1, 2, 3, 4, 5, 9].map((n) =>
      nextPollDelay({ intervalMs: 500, consecutiveFailures: n, random: middle }),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('caps the backoff at 30 minutes unless the interval itself is longer', () => {
    expect(nextPollDelay({ intervalMs: 300_000, consecutiveFailures: 3, random: middle })).toBe(MAX_POLL_BACKOFF_MS);
    expect(nextPollDelay({ intervalMs: 3_600_000, consecutiveFailures: 3, random: middle })).toBe(3_600_000);
  });

  it('jitters failed-poll delays by at most ±20 %, never below the interval', () => {
    const low = nextPollDelay({ intervalMs: 1000, consecutiveFailures: 2, random: () => 0 });
    const high = nextPollDelay({ intervalMs: 1000, consecutiveFailures: 2, random: () => 0.999999 });
    expect(low).toBe(3200);
    expect(high).toBeLessThanOrEqual(4800);
    expect(high).toBeGreaterThan(4700);
    expect(nextPollDelay({ intervalMs: 1000, consecutiveFailures: 1, random: () => 0 })).toBeGreaterThanOrEqual(1000);
  });

  it('honours a longer Retry-After', () => {
    expect(nextPollDelay({ intervalMs: 500, consecutiveFailures: 1, retryAfterMs: 30_000, random: middle })).toBe(
      30_000,
    );
    expect(nextPollDelay({ intervalMs: 500, consecutiveFailures: 1, retryAfterMs: 10, random: middle })).toBe(1000);
  });
});
