/**
 * Runs one shell command for the tests of a clone (PRODUCT.md §7): in its own process group, with
 * a scrubbed environment, without network and without sight of other processes (own network and
 * PID namespaces) where the machine allows it, with output kept in a bounded ring buffer, and with
 * the whole group killed on timeout, cancellation, or when the main command ends and leaves
 * background processes behind.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { TestResult } from '@khitomer/contracts';
import { parseFailingCount } from './failing-count.js';
import { LOOPBACK_UP, probeNetworkIsolation } from './network-isolation.js';
import { DEFAULT_TAIL_CAPACITY, OutputTail, tailOf } from './output-tail.js';
import type { TestEnvOverrides } from './test-env.js';
import { buildTestEnv } from './test-env.js';
import { createTestHome } from './test-home.js';

/** Lines of `TestResult.outputTail` and `longOutputTail`. */
export const OUTPUT_TAIL_LINES = 200;
/** Bytes of `TestResult.outputTail` (the contract caps it at 4 KB). */
export const OUTPUT_TAIL_BYTES = 4 * 1024;
/** Bytes of `longOutputTail` (shown to the agent; never stored in workflow history). */
export const LONG_OUTPUT_TAIL_BYTES = 16 * 1024;

/** A `TestResult` with local details the contract does not carry. */
export interface LocalTestResult extends TestResult {
  /** True when the command ran in a network namespace without outside network. */
  networkIsolated: boolean;
  /** True when the command ran in its own PID namespace (other processes invisible to it). */
  processesIsolated: boolean;
  /** Bytes the command wrote to stdout + stderr in total. */
  totalOutputBytes: number;
  /** Bytes held in the ring buffer at the end (≤ its capacity). */
  capturedOutputBytes: number;
  /** Last ~200 lines, at most 16 KB: for the agent's `run_tests` tool. */
  longOutputTail: string;
}

/** Minimal structured logger (pino-compatible). Never receives test output. */
export interface TestRunLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** Input of {@link runTestCommand}. */
export interface RunTestCommandOptions {
  /** Working directory (the clone). */
  dir: string;
  /** Shell command line, run with `/bin/sh -c`. */
  command: string;
  /** Shown as `TestResult.command`; defaults to `command`. */
  displayCommand?: string;
  /** Wall-clock limit, in ms. */
  timeoutMs: number;
  /** Aborts the run: the process group is killed and the signal's reason is thrown. */
  signal?: AbortSignal;
  /** PATH/HOME/LANG overrides; HOME defaults to a fresh temporary directory removed afterwards. */
  env?: TestEnvOverrides;
  /**
   * Run without network when possible (default true). Dependency installs pass false; they still
   * run in their own PID namespace when the machine allows it.
   */
  isolateNetwork?: boolean;
  /** Time between SIGTERM and SIGKILL of the group, in ms (default 5000). */
  killGraceMs?: number;
  /** Ring-buffer capacity in bytes (default 64 KiB). */
  tailCapacityBytes?: number;
  logger?: TestRunLogger;
}

/** After the main process exited, how long to wait for stdout/stderr to close, in ms. */
const CLOSE_GRACE_MS = 2000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs `command` in `dir` and returns its result; a failing or timed-out command is a result, not
 * an exception. Not idempotent (runs arbitrary repository code).
 * @throws the `signal`'s reason when aborted — only after the process group was killed and the
 *   temporary HOME removed. Spawn failures are reported as a result with `exitCode: null`.
 */
export async function runTestCommand(options: RunTestCommandOptions): Promise<LocalTestResult> {
  const { dir, command, timeoutMs, signal, logger } = options;
  signal?.throwIfAborted();
  const killGraceMs = options.killGraceMs ?? 5000;
  const ownHome = options.env?.HOME === undefined ? await createTestHome() : undefined;
  const env = buildTestEnv(ownHome ?? '', options.env);
  const probed = await probeNetworkIsolation(env.PATH);
  // Commands that need the network (dependency installs) still get their own PID namespace.
  const isolation =
    options.isolateNetwork === false
      ? {
          available: false,
          prefix: probed.processPrefix,
          loopback: false,
          processesIsolated: probed.processPrefix.length > 0,
        }
      : probed;
  const script = isolation.available && isolation.loopback ? `${LOOPBACK_UP}\n${command}` : command;
  const [file, ...args] = [...isolation.prefix, '/bin/sh', '-c', script];
  const output = new OutputTail(options.tailCapacityBytes ?? DEFAULT_TAIL_CAPACITY);
  const started = performance.now();

  let timedOut = false;
  let aborted = false;
  let exitCode: number | null = null;
  try {
    await new Promise<void>((resolve) => {
      const child = spawn(file!, args, {
        cwd: dir,
        env: { ...env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const pid = child.pid;
      let settled = false;
      let terminating = false;
      const timers: NodeJS.Timeout[] = [];
      const settle = (): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const terminate = (): void => {
        if (terminating || pid === undefined) return;
        terminating = true;
        killGroup(pid, 'SIGTERM');
        timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), killGraceMs));
      };
      const onAbort = (): void => {
        aborted = true;
        terminate();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(
        setTimeout(() => {
          timedOut = true;
          terminate();
        }, timeoutMs),
      );
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
      child.on('error', (err) => {
        output.push(`\n[khitomer] could not start the test command: ${err.message}\n`);
        settle();
      });
      child.on('exit', (code) => {
        exitCode = code;
        // Background processes the command left behind (a forked server, a sleeping grandchild) die with it.
        if (pid !== undefined) killGroup(pid, 'SIGKILL');
        timers.push(
          setTimeout(() => {
            child.stdout.destroy();
            child.stderr.destroy();
            settle();
          }, CLOSE_GRACE_MS),
        );
      });
      child.on('close', settle);
    });
  } finally {
    if (ownHome !== undefined) await rm(ownHome, { recursive: true, force: true }).catch(() => undefined);
  }
  const durationMs = Math.round(performance.now() - started);
  logger?.info(
    {
      durationMs,
      exitCode,
      timedOut,
      aborted,
      outputBytes: output.totalBytes,
      networkIsolated: isolation.available,
      processesIsolated: isolation.processesIsolated,
    },
    'test command finished',
  );
  if (aborted) signal?.throwIfAborted();

  const finalExit = timedOut || aborted ? null : exitCode;
  const text = output.text();
  const failing = parseFailingCount(text);
  const note = timedOut ? `\n[khitomer] timed out after ${timeoutMs} ms; process group killed` : '';
  const outputTail = tailOf(text + note, OUTPUT_TAIL_LINES, OUTPUT_TAIL_BYTES);
  return {
    command: options.displayCommand ?? command,
    exitCode: finalExit,
    passed: finalExit === 0,
    timedOut,
    detected: true,
    durationMs,
    outputTail,
    ...(failing === undefined ? {} : { failing }),
    networkIsolated: isolation.available,
    processesIsolated: isolation.processesIsolated,
    totalOutputBytes: output.totalBytes,
    capturedOutputBytes: output.retainedBytes,
    longOutputTail: tailOf(text + note, OUTPUT_TAIL_LINES, LONG_OUTPUT_TAIL_BYTES),
  };
}
