/**
 * Detects and runs a clone's tests in one call: optional dependency install (with network, since
 * it downloads packages), then the test command (without network where possible), within one
 * overall timeout. This is what the `runTests` activity and the agent's `run_tests` tool call.
 */
import type { TestCommandDetection } from './detect-test-command.js';
import { detectTestCommand } from './detect-test-command.js';
import type { LocalTestResult, RunTestCommandOptions, TestRunLogger } from './run-test-command.js';
import { runTestCommand } from './run-test-command.js';
import type { TestEnvOverrides } from './test-env.js';

/** Input of {@link runRepositoryTests}. */
export interface RunRepositoryTestsOptions {
  dir: string;
  /** TEST_COMMAND, if configured. */
  override?: string;
  /** Overall limit (install + tests), in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  env?: TestEnvOverrides;
  /** Run the install step when one was detected (default true; pass false for repeated runs). */
  install?: boolean;
  /** Injected for tests; defaults to {@link runTestCommand}. */
  runCommand?: (options: RunTestCommandOptions) => Promise<LocalTestResult>;
  logger?: TestRunLogger;
}

/** The result when no test command exists: nothing ran, nothing passed. Pure. */
export function notDetectedResult(detection: Extract<TestCommandDetection, { detected: false }>): LocalTestResult {
  return {
    command: '(none)',
    exitCode: null,
    passed: false,
    timedOut: false,
    detected: false,
    durationMs: 0,
    outputTail: detection.reason,
    networkIsolated: false,
    processesIsolated: false,
    totalOutputBytes: 0,
    capturedOutputBytes: 0,
    longOutputTail: detection.reason,
  };
}

/**
 * Detects the command, installs dependencies if needed, runs the tests.
 * A failed install is returned as the result (its command and output), the tests are then not run.
 * @throws the `signal`'s reason when aborted (after the process group was killed).
 */
export async function runRepositoryTests(options: RunRepositoryTestsOptions): Promise<LocalTestResult> {
  const run = options.runCommand ?? runTestCommand;
  const detection = await detectTestCommand(options.dir, options.override);
  if (!detection.detected) return notDetectedResult(detection);
  const common = {
    dir: options.dir,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  let remaining = options.timeoutMs;
  let installMs = 0;
  if (detection.installCommand !== undefined && options.install !== false) {
    const install = await run({
      ...common,
      command: detection.installCommand,
      timeoutMs: remaining,
      isolateNetwork: false,
    });
    if (!install.passed) return install;
    installMs = install.durationMs;
    remaining = Math.max(1, remaining - installMs);
  }
  const result = await run({ ...common, command: detection.command, timeoutMs: remaining });
  return { ...result, durationMs: result.durationMs + installMs };
}
