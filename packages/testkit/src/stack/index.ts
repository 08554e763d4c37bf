/** All three emulators at once, for integration tests, the demo and the benchmark. */
export * from './emulator-stack.js';
