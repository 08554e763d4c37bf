/**
 * @khitomer/observability — pino logger factory with redaction by key and value, run-scoped child
 * loggers, Prometheus registry and `/metrics` server.
 */
export * from './logger.js';
export * from './metrics.js';
export * from './redaction.js';
