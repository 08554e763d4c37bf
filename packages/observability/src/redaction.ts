/**
 * Redaction of secrets by value: every occurrence of a configured secret (and its base64 — also
 * inside a longer encoded text such as a basic-auth header — and URL-encoded forms) is replaced,
 * wherever it appears in a log line.
 */

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not redacted by value (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 6;

/**
 * The base64 text that encodes `secret` wherever it sits in encoded data, for each of the three
 * byte alignments: a secret after `n` other bytes (e.g. `user:` in a basic-auth pair) is encoded
 * differently for `n % 3` = 0, 1, 2. Characters that also depend on the neighbouring bytes are left
 * out, so each core matches inside any longer encoding. Pure.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const cores: string[] = [];
  for (const shift of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    const whole = shifted.subarray(0, shifted.length - (shifted.length % 3));
    // The first ceil(8·shift/6) characters carry bits of the bytes before the secret.
    cores.push(whole.toString('base64').slice(Math.ceil((8 * shift) / 6)));
  }
  return cores;
}

/**
 * Builds the list of strings to redact for each secret: raw, base64 (at any byte alignment, so
 * also inside an encoded basic-auth pair), base64url, URL-encoded.
 */
export function secretVariants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out.add(secret);
    out.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    for (const core of base64Cores(secret)) {
      out.add(core);
      out.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    out.add(encodeURIComponent(secret));
  }
  // Longest first so a secret containing another is replaced whole.
  return [...out].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Returns a function replacing every secret variant in a string with {@link REDACTED}.
 * Pure and idempotent.
 */
export function createValueRedactor(secrets: readonly string[]): (text: string) => string {
  const variants = secretVariants(secrets);
  if (variants.length === 0) return (text) => text;
  const pattern = new RegExp(variants.map(escapeRegExp).join('|'), 'g');
  return (text) => (text.length < MIN_SECRET_LENGTH ? text : text.replace(pattern, REDACTED));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
