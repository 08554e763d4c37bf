/** Running the target repository's tests (PRODUCT.md §7). */
export * from './detect-test-command.js';
export * from './failing-count.js';
export * from './network-isolation.js';
export * from './output-tail.js';
export * from './run-repository-tests.js';
export * from './run-test-command.js';
export * from './test-env.js';
export * from './test-home.js';
