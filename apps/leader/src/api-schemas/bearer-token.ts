/**
 * The API token check shared by both façades: `Authorization: Bearer <API_TOKEN>`, compared in
 * constant time. The token is never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer +(\S+) *$/i;

function digest(value: string): Buffer {
  // Hashing first makes both sides the same length, so the comparison leaks neither the
  // token's content nor its length.
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Returns a predicate that tells whether an `authorization` header value carries the expected
 * bearer token (scheme case-insensitive, token exact). `undefined`, other schemes and malformed
 * values are refused. Never throws.
 */
export function createBearerTokenCheck(expectedToken: string): (authorization: string | undefined) => boolean {
  const expected = digest(expectedToken);
  return (authorization) => {
    if (authorization === undefined) return false;
    const match = BEARER.exec(authorization);
    const presented = match?.[1];
    if (presented === undefined) return false;
    return timingSafeEqual(digest(presented), expected);
  };
}
