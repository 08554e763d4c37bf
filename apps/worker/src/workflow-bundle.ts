/**
 * Bundling of the workflow code (`./workflows/`) with Temporal's webpack. Workspace packages are
 * resolved to their TypeScript source through the `@khitomer/source` export condition, so the
 * bundle needs no prior `tsc` build.
 *
 * The worker process bundles in a short-lived child process ({@link bundleWorkflowsInChildProcess}):
 * webpack's heap would otherwise stay in the worker's resident memory for its whole life (~110 MB
 * measured). The bundle is deliberately not cached on disk: test commands of target repositories
 * run as the worker's user, and a writable cache would let them plant workflow code for the next
 * start.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/** How long {@link bundleWorkflowsInChildProcess} waits for the child by default, in ms. */
export const DEFAULT_CHILD_BUNDLE_TIMEOUT_MS = 120_000;
/** Stderr kept from the bundling child for the error message, in characters. */
const MAX_CHILD_STDERR_CHARS = 8_000;

/** Path of a module beside this one: the `.ts` source when present (run through tsx), else the `.js` build. */
function siblingModule(name: string): string {
  const ts = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}

/**
 * The Node options of the bundling child: this process's (module conditions, the tsx loader),
 * without debugger flags (their port is taken), plus the tsx loader and {@link SOURCE_CONDITION}
 * when `entry` is TypeScript and this process lacks them (e.g. under a test runner). Pure.
 */
export function childExecArgv(execArgv: readonly string[], entry: string): string[] {
  const args: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (/^--(inspect|debug)/.test(arg)) {
      // `--inspect-port 9230` takes the next argument too.
      if (/^--(inspect|debug)-port$/.test(arg)) i++;
      continue;
    }
    args.push(arg);
  }
  if (entry.endsWith('.ts')) {
    if (!args.some((arg) => arg.includes('tsx'))) args.push('--import', 'tsx');
    if (!args.some((arg) => arg.includes(SOURCE_CONDITION))) args.push(`--conditions=${SOURCE_CONDITION}`);
  }
  return args;
}

/** Options of {@link bundleWorkflowsInChildProcess}. */
export interface ChildBundleOptions {
  /** Receives the child's stderr lines (webpack warnings) at warn level. */
  logger?: Logger;
  /** Kills the child and rejects with the reason. */
  signal?: AbortSignal;
  /** Kills the child after this long, in ms (default {@link DEFAULT_CHILD_BUNDLE_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/**
 * Bundles `./workflows/` like {@link bundleImplementationWorkflows}, but in a child Node process
 * (same Node binary and module options), so webpack's memory is returned to the system when it
 * exits; resolves with the bundle's code (for `workflowBundle: { code }`). The code passes through
 * a private temporary file that is removed afterwards.
 * @throws when the child fails (the code does not bundle: not retryable, fix the code), is killed
 *   by `signal` or the timeout, or cannot be started.
 */
export async function bundleWorkflowsInChildProcess(options: ChildBundleOptions = {}): Promise<string> {
  const log = options.logger?.child({ component: 'workflow-bundler' });
  const entry = siblingModule('workflow-bundle-main');
  const dir = await mkdtemp(path.join(tmpdir(), 'khitomer-workflow-bundle-'));
  const out = path.join(dir, 'workflow-bundle.js');
  try {
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...childExecArgv(process.execArgv, entry), entry, out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: options.timeoutMs ?? DEFAULT_CHILD_BUNDLE_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-MAX_CHILD_STDERR_CHARS);
      });
      child.once('error', reject);
      child.once('close', (code, signal) => {
        const text = stderr.trim();
        if (code === 0) {
          if (text !== '') log?.warn({ output: text }, 'workflow bundler warnings');
          resolve();
        } else {
          reject(new Error(`workflow bundling failed (${signal ?? `exit code ${code}`})${text ? `:\n${text}` : ''}`));
        }
      });
    });
    const code = await readFile(out, 'utf8');
    log?.info({ durationMs: Date.now() - started, bytes: code.length }, 'workflow code bundled');
    return code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
