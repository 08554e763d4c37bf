/** Pre-push guards on the agent's diff (PRODUCT.md §5.1): secret scan and test-tampering warnings. */
export * from './secret-patterns.js';
export * from './secret-scan.js';
export * from './test-tampering.js';
export * from './unified-diff.js';
