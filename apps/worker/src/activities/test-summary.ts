/**
 * Short human wording of test results, shared by the PR body and the Jira comments
 * (e.g. "before: 1 failing / after: 0 failing"). Pure.
 */
import type { TestResult } from '@khitomer/contracts';

/** A few words for one result: `3 failing`, `passing`, `timed out`, `no tests found`, `not run`. Pure. */
export function testCountLabel(result: TestResult | null): string {
  if (result === null) return 'not run';
  if (!result.detected) return 'no tests found';
  if (result.timedOut) return 'timed out';
  if (result.failing !== undefined) return `${result.failing} failing`;
  return result.passed ? 'passing' : 'failing';
}

/** `before: <baseline> / after: <final>`. Pure. */
export function beforeAfterLabel(baseline: TestResult | null, final: TestResult | null): string {
  return `before: ${testCountLabel(baseline)} / after: ${testCountLabel(final)}`;
}

/** `passed`, `FAILED` or `not run`, with the exit code: `FAILED (exit code 1)`. Pure. */
export function testVerdict(result: TestResult | null): string {
  if (result === null) return 'not run';
  if (!result.detected) return 'no test command found';
  const exit = result.exitCode === null ? (result.timedOut ? 'timed out' : 'killed') : `exit code ${result.exitCode}`;
  return `${result.passed ? 'passed' : 'FAILED'} (${exit})`;
}

/** True when the final tests did not pass (the PR is a draft and the comment says so). Pure. */
export function testsStillFail(final: TestResult | null): boolean {
  return final === null || !final.passed;
}

/**
 * How the test commands were sandboxed (PRODUCT.md §7), in one line, from the final run or else
 * the baseline; `undefined` when no test command ran or the worker did not report it. Pure.
 */
export function sandboxLabel(baseline: TestResult | null, final: TestResult | null): string | undefined {
  const result = [final, baseline].find((r) => r?.detected === true && r.networkIsolated !== undefined);
  if (!result) return undefined;
  const network = result.networkIsolated
    ? 'no network access (own network namespace)'
    : 'network NOT isolated: this worker may not create namespaces (unshare), so the tests had its network access';
  const processes = result.processesIsolated
    ? 'other processes invisible (own PID namespace)'
    : 'other processes of the worker visible';
  return `scrubbed environment; ${network}; ${processes}.`;
}
