import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRepositoryTests } from './run-repository-tests.js';
import type { LocalTestResult, RunTestCommandOptions } from './run-test-command.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'khitomer-repo-tests-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeRunner(exitCodes: Record<string, number>) {
  const calls: RunTestCommandOptions[] = [];
  const run = async (options: RunTestCommandOptions): Promise<LocalTestResult> => {
    calls.push(options);
    const exitCode = exitCodes[options.command] ?? 0;
    return {
      command: options.command,
      exitCode,
      passed: exitCode === 0,
      timedOut: false,
      detected: true,
      durationMs: 1000,
      outputTail: `${options.command} output`,
      networkIsolated: options.isolateNetwork !== false,
      processesIsolated: true,
      totalOutputBytes: 10,
      capturedOutputBytes: 10,
      longOutputTail: `${options.command} output`,
    };
  };
  return { calls, run };
}

describe('runRepositoryTests', () => {
  it('installs with network, then tests without, within one timeout', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    await writeFile(path.join(dir, 'package-lock.json'), '{}');
    const runner = fakeRunner({});
    const result = await runRepositoryTests({ dir, timeoutMs: 60_000, runCommand: runner.run });
    expect(runner.calls.map((c) => [c.command, c.isolateNetwork, c.timeoutMs])).toEqual([
      ['npm ci', false, 60_000],
      ['npm test', undefined, 59_000],
    ]);
    expect(result).toMatchObject({ command: 'npm test', passed: true, durationMs: 2000, networkIsolated: true });
  });

  it('returns a failed install as the result and does not run the tests', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'jest' } }));
    await writeFile(path.join(dir, 'pnpm-lock.yaml'), '');
    const runner = fakeRunner({ 'pnpm install --frozen-lockfile': 1 });
    const result = await runRepositoryTests({ dir, timeoutMs: 60_000, runCommand: runner.run });
    expect(runner.calls).toHaveLength(1);
    expect(result).toMatchObject({ command: 'pnpm install --frozen-lockfile', exitCode: 1, passed: false });
  });

  it('skips the install when asked', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'jest' } }));
    await writeFile(path.join(dir, 'package-lock.json'), '{}');
    const runner = fakeRunner({});
    await runRepositoryTests({ dir, timeoutMs: 60_000, install: false, runCommand: runner.run });
    expect(runner.calls.map((c) => c.command)).toEqual(['npm test']);
  });

  it('reports a repository without tests as not detected', async () => {
    const result = await runRepositoryTests({ dir, timeoutMs: 60_000 });
    expect(result).toMatchObject({ command: '(none)', detected: false, passed: false, exitCode: null });
    expect(result.outputTail).toMatch(/TEST_COMMAND/);
  });

  it('runs a TEST_COMMAND override for real', async () => {
    const result = await runRepositoryTests({ dir, override: 'echo from-override; exit 4', timeoutMs: 30_000 });
    expect(result).toMatchObject({ command: 'echo from-override; exit 4', exitCode: 4, passed: false, detected: true });
    expect(result.outputTail).toContain('from-override');
  });
});
