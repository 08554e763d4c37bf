/**
 * Redaction of secrets by value: every occurrence of a configured secret (and its base64 and
 * URL-encoded forms) is replaced, wherever it appears in a log line.
 */

/** Replacement text for a redacted secret. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not redacted by value (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 6;

/** Builds the list of strings to redact for each secret: raw, base64, URL-encoded, basic-auth pair forms. */
export function secretVariants(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out.add(secret);
    out.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
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
