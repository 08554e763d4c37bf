/** Child-process and waiting helpers for reliability tests (kill, signal, measure, wait on conditions). */
export * from './free-port.js';
export * from './node-service.js';
export * from './process-memory.js';
export * from './wait-until.js';
