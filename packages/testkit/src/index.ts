export * from './emulator-support/index.js';
