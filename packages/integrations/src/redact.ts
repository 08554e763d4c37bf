/**
 * Removes secret values from text before it goes into an error message or a log line.
 * Pure; never throws.
 */

/** Replacement for a removed secret. */
export const REDACTED = '[REDACTED]';

/**
 * Returns `text` with every occurrence of each secret replaced by `[REDACTED]`. Empty or very
 * short secrets (< 4 chars) are ignored so that redaction cannot mangle ordinary words.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
  }
  return out;
}
