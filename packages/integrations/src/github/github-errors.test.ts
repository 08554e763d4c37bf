import { describe, expect, it } from 'vitest';
import { decideRetry } from './github-code-host.js';
import { isAlreadyExists, isThrottlingRateLimit, retryAfterOf, toGitHubError } from './github-errors.js';

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

/** Shape of octokit's RequestError. */
function requestError(status: number, data: unknown, headers: Record<string, string> = {}, message = 'failed') {
  return Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: { method: 'POST', url: 'https://api.test/x', headers: { authorization: 'token [REDACTED]' } },
    response: { status, url: 'https://api.test/x', headers, data },
  });
}

describe('toGitHubError', () => {
  it('maps statuses, Retry-After and messages', () => {
    expect(toGitHubError(requestError(404, { message: 'Not Found' }), 'get repository', [])).toMatchObject({
      code: 'not_found',
      status: 404,
      system: 'github',
      message: 'GitHub get repository failed with HTTP 404: Not Found',
    });
    expect(toGitHubError(requestError(401, {}), 'x', []).code).toBe('unauthorized');
    expect(toGitHubError(requestError(502, {}), 'x', []).code).toBe('unavailable');
    expect(toGitHubError(requestError(429, {}, { 'retry-after': '5' }), 'x', [])).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 5000,
    });
  });

  it('treats a 403 rate limit as rate_limited, other 403s as forbidden', () => {
    const limited = requestError(403, {}, { 'x-ratelimit-remaining': '0' }, 'API rate limit exceeded');
    expect(toGitHubError(limited, 'x', []).code).toBe('rate_limited');
    expect(toGitHubError(requestError(403, { message: 'Resource not accessible' }), 'x', []).code).toBe('forbidden');
  });

  it('maps missing responses to network/timeout/aborted', () => {
    const net = Object.assign(new Error('connect ECONNREFUSED'), { status: 500, request: {} });
    expect(toGitHubError(net, 'x', []).code).toBe('network');
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      status: 500,
      request: {},
      cause: Object.assign(new Error('timeout'), { name: 'TimeoutError' }),
    });
    expect(toGitHubError(timeout, 'x', []).code).toBe('timeout');
    const aborted = Object.assign(new Error('This operation was aborted'), { name: 'AbortError', status: 500 });
    expect(toGitHubError(aborted, 'x', []).code).toBe('aborted');
  });

  it('removes the token from messages', () => {
    const err = toGitHubError(requestError(400, { message: `Bad token ${TOKEN}` }), 'x', [TOKEN]);
    expect(err.message).not.toContain(TOKEN);
  });
});

describe('GitHub error predicates', () => {
  it('recognises "already exists" 422s only', () => {
    const exists = requestError(422, {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for o:b.' }],
    });
    expect(isAlreadyExists(exists)).toBe(true);
    expect(isAlreadyExists(requestError(422, { message: 'Validation Failed', errors: [{ code: 'invalid' }] }))).toBe(
      false,
    );
    expect(isAlreadyExists(requestError(409, { message: 'already exists' }))).toBe(false);
  });

  it('recognises the rate limits plugin-throttling handles', () => {
    expect(isThrottlingRateLimit(requestError(403, {}, {}, 'You have exceeded a secondary rate limit'))).toBe(true);
    expect(isThrottlingRateLimit(requestError(429, {}, { 'x-ratelimit-remaining': '0' }))).toBe(true);
    expect(isThrottlingRateLimit(requestError(429, {}, { 'retry-after': '1' }))).toBe(false);
  });

  it('derives the wait from x-ratelimit-reset when the quota is used up', () => {
    const now = 1_700_000_000_000;
    const err = requestError(403, {}, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) });
    expect(retryAfterOf(err, now)).toBe(30_000);
  });
});

describe('decideRetry', () => {
  const limits = { retryBaseDelayMs: 1000, maxRetryAfterMs: 60_000 };

  it('keeps the quadratic backoff without Retry-After', () => {
    expect(decideRetry(requestError(502, {}), 4, limits)).toEqual({ retry: true, units: 4 });
  });

  it('uses Retry-After when present, in units of the base delay', () => {
    expect(decideRetry(requestError(429, {}, { 'retry-after': '3' }), 1, limits)).toEqual({ retry: true, units: 3 });
    expect(decideRetry(requestError(503, {}, { 'retry-after': '1' }), 9, { ...limits, retryBaseDelayMs: 10 })).toEqual({
      retry: true,
      units: 100,
    });
  });

  it('does not retry when the wait is too long or the throttling plugin owns the error', () => {
    expect(decideRetry(requestError(429, {}, { 'retry-after': '3600' }), 1, limits).retry).toBe(false);
    expect(decideRetry(requestError(403, {}, {}, 'secondary rate limit'), 1, limits).retry).toBe(false);
  });
});
