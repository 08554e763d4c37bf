import type { TestResult } from '@khitomer/contracts';
import { describe, expect, it } from 'vitest';
import { beforeAfterLabel, testCountLabel, testsStillFail, testVerdict } from './test-summary.js';

const result = (patch: Partial<TestResult>): TestResult => ({
  command: 'npm test',
  exitCode: 0,
  passed: true,
  timedOut: false,
  detected: true,
  durationMs: 10,
  outputTail: '',
  ...patch,
});

describe('test summary wording', () => {
  it('says how many tests fail before and after', () => {
    expect(beforeAfterLabel(result({ passed: false, exitCode: 1, failing: 1 }), result({ failing: 0 }))).toBe(
      'before: 1 failing / after: 0 failing',
    );
  });

  it('covers results without counts, timeouts, missing commands and runs that never happened', () => {
    expect(testCountLabel(result({}))).toBe('passing');
    expect(testCountLabel(result({ passed: false, exitCode: 2 }))).toBe('failing');
    expect(testCountLabel(result({ passed: false, exitCode: null, timedOut: true }))).toBe('timed out');
    expect(testCountLabel(result({ detected: false, passed: false }))).toBe('no tests found');
    expect(testCountLabel(null)).toBe('not run');
  });

  it('gives the verdict with the exit code', () => {
    expect(testVerdict(result({}))).toBe('passed (exit code 0)');
    expect(testVerdict(result({ passed: false, exitCode: 1 }))).toBe('FAILED (exit code 1)');
    expect(testVerdict(result({ passed: false, exitCode: null, timedOut: true }))).toBe('FAILED (timed out)');
    expect(testsStillFail(result({ passed: false }))).toBe(true);
    expect(testsStillFail(null)).toBe(true);
    expect(testsStillFail(result({}))).toBe(false);
  });
});
