/** `run_tests()`: runs the repository's test command through the injected runner; exit code + last lines. */
import { tailOf } from '../../test-runner/output-tail.js';
import { strictObject } from './tool-args.js';
import type { AgentTestResult, AgentTool, ToolLimits } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

/** Formats a test result for the model. */
export function formatTestResult(result: AgentTestResult, limits: ToolLimits): string {
  if (!result.detected) {
    return `No test command was found for this repository.\n${result.outputTail}`.trim();
  }
  const exit = result.exitCode === null ? 'none (killed)' : String(result.exitCode);
  const status = result.passed ? 'PASSED' : result.timedOut ? 'TIMED OUT' : 'FAILED';
  const failing = result.failing !== undefined ? `, failing tests: ${result.failing}` : '';
  const tail = tailOf(result.longOutputTail ?? result.outputTail, limits.testOutputMaxLines, limits.testOutputMaxBytes);
  return [
    `Command: ${result.command}`,
    `Result: ${status} (exit code ${exit}${failing}, ${Math.round(result.durationMs / 1000)} s)`,
    `Output (last ${limits.testOutputMaxLines} lines at most):`,
    tail === '' ? '(no output)' : tail,
  ].join('\n');
}

/** The `run_tests` tool. A red test run is a normal result; a runner failure becomes an `Error:` result. */
export const runTestsTool: AgentTool = {
  definition: {
    name: 'run_tests',
    description: "Run the repository's test suite and return the exit code and the last ~200 lines of output.",
    parameters: strictObject({}),
  },
  async execute(_args, ctx) {
    try {
      return toolOk(formatTestResult(await ctx.runTests(ctx.signal), ctx.limits));
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      return toolError(
        `the tests could not be run (${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'})`,
      );
    }
  },
};
