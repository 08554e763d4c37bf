/** Options of {@link waitUntil}. Durations in milliseconds. */
export interface WaitUntilOptions {
  /** Give up after this long (default 30 000). */
  timeoutMs?: number;
  /** Pause between two checks (default 100). */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined`, `null` or `false`, and returns
 * that value. Condition-based waiting for tests: no fixed sleeps.
 * @throws Error naming `what` when the deadline passes; whatever `check` throws, unchanged.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: WaitUntilOptions = {},
): Promise<NonNullable<Exclude<T, false>>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<Exclude<T, false>>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
