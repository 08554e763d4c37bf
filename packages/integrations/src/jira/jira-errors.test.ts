import { HttpException } from 'jira.js';
import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../errors.js';
import { toJiraError } from './jira-errors.js';
import { createJiraIssueTracker } from './jira-issue-tracker.js';

const TOKEN = 'jira-secret-token-123';

/** What jira.js throws for an HTTP error: HttpException with the axios error as cause. */
function httpError(status: number, data: unknown, headers: Record<string, string> = {}) {
  const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
    isAxiosError: true,
    code: 'ERR_BAD_RESPONSE',
    response: { status, headers, data },
    config: { headers: { Authorization: `Basic ${TOKEN}` } },
  });
  return new HttpException({ code: axiosError.code, message: axiosError.message, data, status }, status, {
    cause: axiosError,
  });
}

describe('toJiraError', () => {
  it('maps HTTP statuses and collects Jira error messages', () => {
    const err = toJiraError(
      httpError(400, { errorMessages: ['JQL is invalid'], errors: { summary: 'required' } }),
      'search',
      [TOKEN],
    );
    expect(err).toMatchObject({ code: 'bad_input', status: 400, system: 'jira', retryable: false });
    expect(err.message).toBe('Jira search failed with HTTP 400: JQL is invalid; summary: required');
    expect(toJiraError(httpError(401, {}), 'x', []).code).toBe('unauthorized');
    expect(toJiraError(httpError(404, {}), 'x', []).code).toBe('not_found');
    expect(toJiraError(httpError(503, 'Service Unavailable'), 'x', []).code).toBe('unavailable');
  });

  it('turns Retry-After into retryAfterMs', () => {
    const err = toJiraError(httpError(429, { message: 'slow down' }, { 'retry-after': '7' }), 'search', []);
    expect(err).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000, retryable: true });
  });

  it('maps connection failures, timeouts and cancellation', () => {
    const net = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      isAxiosError: true,
      code: 'ECONNREFUSED',
    });
    expect(toJiraError(net, 'ping', [])).toMatchObject({ code: 'network', retryable: true });
    const slow = Object.assign(new Error('timeout of 30000ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' });
    expect(toJiraError(slow, 'ping', []).code).toBe('timeout');
    const cancelled = Object.assign(new Error('canceled'), { isAxiosError: true, code: 'ERR_CANCELED' });
    expect(toJiraError(cancelled, 'ping', []).code).toBe('aborted');
  });

  it('never leaks the token and does not keep the axios error (it holds the auth header)', () => {
    const err = toJiraError(httpError(400, { errorMessages: [`bad token ${TOKEN}`] }), 'x', [TOKEN]);
    expect(err.message).not.toContain(TOKEN);
    expect(err.cause).toBeUndefined();
  });

  it('passes IntegrationErrors through', () => {
    const original = new IntegrationError('invalid_response', 'x');
    expect(toJiraError(original, 'x', [])).toBe(original);
  });
});

describe('createJiraIssueTracker', () => {
  it('rejects an invalid base URL with bad_input', () => {
    expect(() => createJiraIssueTracker({ baseUrl: 'not a url', username: 'u', apiToken: 't' })).toThrow(
      expect.objectContaining({ code: 'bad_input' }),
    );
  });
});
