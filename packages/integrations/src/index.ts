/**
 * @khitomer/integrations — one small interface per outside system and its real adapter.
 * Nothing outside this package imports jira.js, octokit, simple-git or openai.
 */
export * from './adf.js';
export * from './adf-text.js';
export * from './code-host.js';
export * from './errors.js';
export * from './git/index.js';
export * from './git-workspace.js';
export * from './github/index.js';
export * from './issue-tracker.js';
export * from './jira/index.js';
export * from './linked-abort-signal.js';
export * from './llm/index.js';
export * from './llm-client.js';
export type { Logger } from './logger.js';
export { delay, type RetryPolicy } from './retry.js';
export * from './service-adapters.js';
export * from './untrusted-text.js';
