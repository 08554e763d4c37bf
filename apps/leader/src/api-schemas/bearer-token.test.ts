import { describe, expect, it } from 'vitest';
import { createBearerTokenCheck } from './bearer-token.js';

describe('createBearerTokenCheck', () => {
  const check = createBearerTokenCheck('s3cret-token');

  it('accepts the exact token with a case-insensitive scheme', () => {
    expect(check('Bearer s3cret-token')).toBe(true);
    expect(check('bearer s3cret-token')).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    's3cret-token',
    'Basic s3cret-token',
    'Bearer s3cret-token2',
    'Bearer s3cret-toke',
    'Bearer S3CRET-TOKEN',
    'Bearer s3cret-token extra',
  ])('refuses %j', (header) => {
    expect(check(header)).toBe(false);
  });
});
