export * from './emulator-support/index.js';
export * from './processes/index.js';
