import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';
import { createValueRedactor, REDACTED } from './redaction.js';

export type { Logger } from 'pino';

/** Keys whose values are always redacted, at any depth up to 3 (pino redact paths). */
export const SECRET_KEYS = [
  'token',
  'apiToken',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'JIRA_TOKEN',
  'GITHUB_TOKEN',
  'OPENAI_API_KEY',
  'API_TOKEN',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    paths.push(
      key,
      `*.${key}`,
      `*.*.${key}`,
      `*.*.*.${key}`,
      `headers.${key.toLowerCase()}`,
      `*.headers.${key.toLowerCase()}`,
    );
  }
  return paths;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** `service` field on every line, e.g. `leader`, `worker`. */
  service: string;
  level?: string;
  /** Secret values to redact wherever they appear in a line. */
  secrets?: readonly string[];
  /** Where to write lines; stdout by default. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

/**
 * Creates the process's root pino logger (JSON lines) with redaction by key (pino `redact`) and
 * by value (every serialised line is scrubbed of the configured secrets before it is written).
 */
export function createLogger(options: LoggerOptions): Logger {
  const redactValues = createValueRedactor(options.secrets ?? []);
  const target = options.destination ?? process.stdout;
  const scrubbing = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      (target as NodeJS.WritableStream).write(redactValues(chunk.toString('utf8')));
      callback();
    },
  });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      redact: { paths: redactPaths(), censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    scrubbing,
  );
}

/** Fields that identify one run; every log line of a run carries them. */
export interface RunContext {
  jiraIssueKey: string;
  workflowId?: string;
}

/** Child logger for one run (`jiraIssueKey`, `workflowId`) and component. */
export function runLogger(parent: Logger, component: string, run: RunContext): Logger {
  return parent.child({
    component,
    jiraIssueKey: run.jiraIssueKey,
    ...(run.workflowId ? { workflowId: run.workflowId } : {}),
  });
}
