import { IntegrationError } from '@khitomer/integrations';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { failureTypeOf, toActivityFailure } from './error-mapping.js';

function mapped(err: unknown): ApplicationFailure {
  const result = toActivityFailure(err);
  expect(result).toBeInstanceOf(ApplicationFailure);
  return result as ApplicationFailure;
}

describe('toActivityFailure', () => {
  it.each([
    ['bad_input', 'InvalidInput'],
    ['unauthorized', 'Unauthorized'],
    ['forbidden', 'PermissionDenied'],
    ['not_found', 'NotFound'],
    ['conflict', 'Conflict'],
  ] as const)('maps %s to a non-retryable %s', (code, type) => {
    const failure = mapped(new IntegrationError(code, 'nope', { system: 'github', status: 404 }));
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('github: nope');
    expect(failure.details).toEqual([{ code, system: 'github', status: 404 }]);
  });

  it.each(['rate_limited', 'unavailable', 'network', 'timeout'] as const)('keeps %s retryable', (code) => {
    const failure = mapped(new IntegrationError(code, 'try later', { system: 'jira' }));
    expect(failure.type).toBe('Transient');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it('honours Retry-After as the next retry delay', () => {
    const failure = mapped(new IntegrationError('rate_limited', 'slow down', { retryAfterMs: 7_000 }));
    expect(failure.nextRetryDelay).toBe(7_000);
  });

  it('makes unparseable model output non-retryable, other invalid responses retryable', () => {
    expect(mapped(new IntegrationError('invalid_response', 'garbled', { system: 'llm' }))).toMatchObject({
      type: 'UnparseableModelOutput',
      nonRetryable: true,
    });
    expect(mapped(new IntegrationError('invalid_response', 'html page', { system: 'jira' }))).toMatchObject({
      type: 'Transient',
      nonRetryable: false,
    });
  });

  it('passes application failures and unknown errors through unchanged', () => {
    const failure = ApplicationFailure.nonRetryable('secret', 'SecretDetected');
    expect(toActivityFailure(failure)).toBe(failure);
    const plain = new Error('disk full');
    expect(toActivityFailure(plain)).toBe(plain);
    expect(failureTypeOf(failure)).toBe('SecretDetected');
    expect(failureTypeOf(plain)).toBe('Error');
  });
});
