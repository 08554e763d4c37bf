/** Temporal dev-server helpers for tests and the demo. */
export * from './dev-server.js';
export * from './executable.js';
