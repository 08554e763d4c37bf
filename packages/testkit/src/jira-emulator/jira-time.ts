/**
 * Formats epoch milliseconds the way Jira Cloud serialises datetimes: ISO 8601 with milliseconds
 * and a `+0000`-style offset (no colon), e.g. `2024-01-15T10:30:00.000+0000`. The emulator
 * always answers in UTC.
 */
export function formatJiraDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** ISO 8601 in UTC (`…Z`), used by the control API. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A clock whose readings strictly increase, so that every event (create, update, transition)
 * has its own timestamp and orderings by `created`/`updated` are deterministic.
 */
export function monotonicClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 1);
    return last;
  };
}
