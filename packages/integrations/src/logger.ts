/**
 * The logging surface the adapters need: a pino-compatible subset (object first, fixed message).
 * Adapters log through an optional injected logger and never pass secrets to it.
 */

/** One log method: `log.info({ issueKey }, 'comment added')`. */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** Pino-compatible logger; a pino `Logger` satisfies it. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};

/** A logger that drops everything; the default when none is injected. Never throws. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
