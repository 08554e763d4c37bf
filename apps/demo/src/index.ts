/** The local end-to-end demo (`pnpm demo`). */
export * from './demo.js';
