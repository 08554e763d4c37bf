/**
 * Our own rules for well-known secret shapes. They run next to secretlint's recommended preset
 * (which is stricter about exact formats and misses e.g. test-shaped AWS keys or short OpenAI
 * keys): a hit from either side blocks the push.
 */

/** A named secret shape. */
export interface SecretPattern {
  kind: string;
  /** Must have the `g` flag. Group 0 is the secret. */
  pattern: RegExp;
  /** Characters of the match that may be shown (a well-known prefix such as `ghp_`). */
  showPrefix: number;
}

/** The shapes checked on every added line. */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { kind: 'github-token', pattern: /\bgh[opsur]_[A-Za-z0-9]{36,255}\b/g, showPrefix: 4 },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g, showPrefix: 11 },
  { kind: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g, showPrefix: 4 },
  {
    kind: 'openai-key',
    // sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…: long, and containing a digit (kebab-case names do not).
    pattern: /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}/g,
    showPrefix: 3,
  },
  { kind: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, showPrefix: 5 },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
    showPrefix: 29,
  },
  {
    kind: 'private-key',
    pattern: /-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----/g,
    showPrefix: 64,
  },
];

/**
 * A masked preview: the shape's public prefix (at most `showPrefix` characters), then `…` and the
 * length. Never more of the secret. Pure.
 */
export function maskSecret(secret: string, showPrefix: number): string {
  const shown = secret.slice(0, Math.max(0, Math.min(showPrefix, secret.length - 4)));
  return `${shown}…(${secret.length} chars)`;
}

/**
 * Encodings of a configured secret value to look for: the value itself, its base64 (standard and
 * URL-safe, with and without padding) and the alignment-independent cores of base64 text in which
 * the value appears at any byte offset. Fragments shorter than `minLength` are dropped. Pure.
 */
export function secretValueVariants(value: string, minLength = 8): string[] {
  const variants = new Set<string>([value]);
  const bytes = Buffer.from(value, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Characters that depend only on the value: skip those mixing in the prefix, keep whole groups.
    const startChar = offset === 0 ? 0 : offset === 1 ? 2 : 3;
    const fullGroupsEnd = Math.floor((offset + bytes.length) / 3) * 4;
    const core = encoded.slice(startChar, fullGroupsEnd);
    if (offset === 0) {
      variants.add(encoded);
      variants.add(encoded.replace(/=+$/, ''));
    }
    variants.add(core);
  }
  for (const v of [...variants]) variants.add(v.replace(/\+/g, '-').replace(/\//g, '_'));
  return [...variants].filter((v) => v.length >= minLength);
}
