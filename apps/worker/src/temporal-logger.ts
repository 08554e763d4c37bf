/**
 * Bridges the Temporal SDK's logger (Runtime, workflow `log`, activity `log`, forwarded Core logs)
 * into the process's pino logger, so every line is JSON with redaction.
 */
import type { Logger } from '@khitomer/observability';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

type PinoMethod = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, PinoMethod> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * SDK notices that are expected in this worker's design and only noise at WARN: the host-queue
 * worker registers activities only, by design. Logged at debug instead.
 */
const EXPECTED_NOTICES: ReadonlySet<string> = new Set(['No workflows registered, not polling for workflow tasks']);

/** Metadata as pino should see it: string keys only, errors as `{name, message}`. Pure. */
export function toPinoFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!meta) return fields;
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value === 'bigint') fields[key] = value.toString();
    else if (value instanceof Error) fields[key] = { name: value.name, message: value.message };
    else fields[key] = value;
  }
  return fields;
}

/**
 * A Temporal `Logger` writing to `logger` (object first, fixed message, as STYLE.md asks); a few
 * expected notices are lowered to debug. Never throws.
 */
export function temporalLoggerFor(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata): void => {
    const method = EXPECTED_NOTICES.has(message) ? 'debug' : (LEVELS[level] ?? 'info');
    logger[method](toPinoFields(meta), message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
