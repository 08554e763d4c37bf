export * from './faults.js';
export * from './http-server.js';
export * from './request-log.js';
