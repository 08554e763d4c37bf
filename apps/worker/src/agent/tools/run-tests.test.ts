import { describe, expect, it } from 'vitest';
import { runTestsTool } from './run-tests.js';
import type { AgentTestResult, ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

const result = (over: Partial<AgentTestResult>): AgentTestResult => ({
  command: 'npm test',
  exitCode: 1,
  passed: false,
  timedOut: false,
  detected: true,
  durationMs: 2500,
  outputTail: 'short tail',
  ...over,
});

const ctxWith = (runTests: ToolContext['runTests'], signal?: AbortSignal): ToolContext => ({
  root: '/nonexistent',
  limits: { ...DEFAULT_TOOL_LIMITS },
  runTests,
  ...(signal ? { signal } : {}),
});

describe('run_tests', () => {
  it('returns the exit code, failing count and the last 200 lines', async () => {
    const long = Array.from({ length: 500 }, (_, i) => `out ${i + 1}`).join('\n');
    const out = await runTestsTool.execute(
      {},
      ctxWith(async () => result({ failing: 3, longOutputTail: long })),
    );
    expect(out.ok).toBe(true);
    const lines = out.content.split('\n');
    expect(lines[0]).toBe('Command: npm test');
    expect(lines[1]).toBe('Result: FAILED (exit code 1, failing tests: 3, 3 s)');
    expect(lines.slice(3)).toHaveLength(200);
    expect(lines.at(-1)).toBe('out 500');
    expect(lines[3]).toBe('out 301');
  });

  it('reports a timeout', async () => {
    const out = await runTestsTool.execute(
      {},
      ctxWith(async () => result({ exitCode: null, timedOut: true })),
    );
    expect(out.content).toMatch(/Result: TIMED OUT \(exit code none \(killed\)/);
  });

  it('reports a missing test command', async () => {
    const out = await runTestsTool.execute(
      {},
      ctxWith(async () => result({ detected: false, outputTail: 'set TEST_COMMAND' })),
    );
    expect(out.content).toMatch(/^No test command was found/);
  });

  it('turns a runner failure into an error result', async () => {
    const out = await runTestsTool.execute(
      {},
      ctxWith(async () => Promise.reject(new Error('spawn EACCES'))),
    );
    expect(out).toEqual({ ok: false, content: 'Error: the tests could not be run (spawn EACCES)' });
  });

  it('rethrows when cancelled', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const run = runTestsTool.execute(
      {},
      ctxWith(async () => {
        controller.abort(reason);
        throw reason;
      }, controller.signal),
    );
    await expect(run).rejects.toBe(reason);
  });
});
