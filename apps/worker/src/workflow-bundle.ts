/**
 * Bundling of the workflow code (`./workflows/`) with Temporal's webpack. Workspace packages are
 * resolved to their TypeScript source through the `@khitomer/source` export condition, so the
 * bundle needs no prior `tsc` build.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@khitomer/observability';
import {
  type BundleOptions,
  bundleWorkflowCode,
  DefaultLogger,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { temporalLoggerFor } from './temporal-logger.js';

/** The export condition that maps `@khitomer/*` packages to their `src/` (see each package.json). */
export const SOURCE_CONDITION = '@khitomer/source';

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** Absolute path of the workflows entry: `workflows/index.ts` from source, `.js` from `dist`. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./workflows/index.js', import.meta.url));
}

/**
 * Adds {@link SOURCE_CONDITION} in front of webpack's default condition names (`'...'`). Mutates
 * and returns `config`, as Temporal's `webpackConfigHook` expects. Never throws.
 */
export function addSourceCondition(config: WebpackConfig): WebpackConfig {
  const resolve = config.resolve ?? {};
  const current = resolve.conditionNames ?? ['...'];
  config.resolve = { ...resolve, conditionNames: [SOURCE_CONDITION, ...current.filter((c) => c !== SOURCE_CONDITION)] };
  return config;
}

/**
 * Bundles `./workflows/` once (tests reuse the result across workers: `workflowBundle: {code}`).
 * Webpack's progress output is dropped; its errors are logged (to `logger`, else stderr).
 * @throws when the code does not bundle — notably when workflow code imports a Node built-in or
 *   another module Temporal forbids in workflows (not retryable: fix the code).
 */
export async function bundleImplementationWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    webpackConfigHook: addSourceCondition,
    logger: logger
      ? temporalLoggerFor(logger.child({ component: 'workflow-bundler' }, { level: 'warn' }))
      : new DefaultLogger('WARN'),
  });
}
