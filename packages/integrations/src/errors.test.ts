import { describe, expect, it } from 'vitest';
import { codeForHttpStatus, IntegrationError, isIntegrationError, parseRetryAfter } from './errors.js';

describe('parseRetryAfter', () => {
  it('parses delta-seconds, also fractional', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(' 0.5 ')).toBe(500);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('parses an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('returns undefined for absent or junk values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('codeForHttpStatus / IntegrationError', () => {
  it('maps statuses to codes and retryability', () => {
    const cases: [number, string, boolean][] = [
      [400, 'bad_input', false],
      [401, 'unauthorized', false],
      [403, 'forbidden', false],
      [404, 'not_found', false],
      [408, 'timeout', true],
      [409, 'conflict', false],
      [422, 'bad_input', false],
      [429, 'rate_limited', true],
      [500, 'unavailable', true],
      [503, 'unavailable', true],
    ];
    for (const [status, code, retryable] of cases) {
      const err = new IntegrationError(codeForHttpStatus(status), 'x', { status });
      expect([status, err.code, err.retryable]).toEqual([status, code, retryable]);
    }
  });

  it('is recognised by shape', () => {
    expect(isIntegrationError(new IntegrationError('network', 'x'))).toBe(true);
    expect(isIntegrationError(new Error('x'))).toBe(false);
  });
});
