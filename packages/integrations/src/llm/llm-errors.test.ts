import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { describe, expect, it } from 'vitest';
import { retryAfterFromHeaders, toLlmError } from './llm-errors.js';

const KEY = 'sk-test-key-0123456789';

describe('toLlmError', () => {
  it('maps the SDK error classes', () => {
    const h = new Headers();
    expect(
      toLlmError(new RateLimitError(429, {}, 'Rate limit', new Headers({ 'retry-after': '2' })), []),
    ).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
    });
    expect(toLlmError(new InternalServerError(503, {}, 'down', h), [])).toMatchObject({
      code: 'unavailable',
      status: 503,
    });
    expect(toLlmError(new AuthenticationError(401, {}, 'bad key', h), [])).toMatchObject({ code: 'unauthorized' });
    expect(toLlmError(new BadRequestError(400, {}, 'bad schema', h), [])).toMatchObject({
      code: 'bad_input',
      retryable: false,
    });
    expect(toLlmError(new APIError(404, {}, 'no model', h), [])).toMatchObject({ code: 'not_found' });
    expect(toLlmError(new APIConnectionError({ message: 'Connection error.' }), [])).toMatchObject({ code: 'network' });
    expect(toLlmError(new APIConnectionTimeoutError(), [])).toMatchObject({ code: 'timeout' });
    expect(toLlmError(new APIUserAbortError(), [])).toMatchObject({ code: 'aborted', retryable: false });
    expect(toLlmError(new APIConnectionError({ message: 'x' }), [], true).code).toBe('aborted');
  });

  it('prefers retry-after-ms and redacts the key', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '9' }))).toBe(9000);
    expect(retryAfterFromHeaders(undefined)).toBeUndefined();
    const err = toLlmError(new AuthenticationError(401, {}, `Incorrect API key provided: ${KEY}`, new Headers()), [
      KEY,
    ]);
    expect(err.message).not.toContain(KEY);
  });
});
