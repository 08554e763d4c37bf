import { timingSafeEqual } from 'node:crypto';

/** Credentials found in an `Authorization` header. */
export interface Credentials {
  scheme: 'basic' | 'token' | 'bearer';
  /** Basic-auth user name (GitHub ignores it for tokens); absent for token/bearer. */
  username?: string;
  secret: string;
}

/**
 * Parses `Authorization: token X`, `Bearer X` or `Basic base64(user:X)`. Returns null when the
 * header is absent or malformed. Pure.
 */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (!header) return null;
  const match = /^\s*(\w+)\s+(\S+)\s*$/.exec(header);
  if (!match) return null;
  const scheme = (match[1] ?? '').toLowerCase();
  const value = match[2] ?? '';
  if (scheme === 'token' || scheme === 'bearer') return { scheme, secret: value };
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { scheme, username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Constant-time comparison of the presented secret with the emulator's token. Pure. */
export function isValidToken(expected: string, credentials: Credentials | null): boolean {
  if (!credentials) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(credentials.secret, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
