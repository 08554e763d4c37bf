/** The agent of `implementChanges` (PRODUCT.md §6): tool loop, tools, path safety, repository guidance. */
export * from './agent-loop.js';
export * from './agent-prompt.js';
export * from './context-window.js';
export * from './path-safety.js';
export * from './repo-guidance.js';
export * from './tools/index.js';
