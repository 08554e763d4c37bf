/**
 * Durations as written in configuration: an integer and a unit, e.g. `500ms`, `30s`, `5m`, `1h`.
 */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+)(ms|s|m|h)$/;

/**
 * Parses a duration into milliseconds.
 * @throws {Error} when the text is not `<integer><ms|s|m|h>`; never retried (bad input).
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration; use a whole number and a unit: 500ms, 30s, 5m or 1h`);
  const [, amount, unit] = match;
  return Number(amount) * (UNITS[unit as string] as number);
}

/** Formats milliseconds back into the largest exact unit (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = UNITS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
