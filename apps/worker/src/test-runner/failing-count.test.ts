import { describe, expect, it } from 'vitest';
import { parseFailingCount } from './failing-count.js';

describe('parseFailingCount', () => {
  it.each([
    ['vitest', ' Test Files  1 failed | 2 passed (3)\n      Tests  2 failed | 5 passed (7)\n', 2],
    ['vitest with colours', '\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[31m4 failed\x1b[39m\x1b[22m | 1 passed\n', 4],
    ['jest', 'Test Suites: 1 failed, 1 total\nTests:       1 failed, 4 passed, 5 total\n', 1],
    ['node --test (TAP)', '# tests 5\n# pass 2\n# fail 3\n', 3],
    ['node --test (spec)', 'ℹ tests 5\nℹ pass 5\nℹ fail 0\n', 0],
    ['pytest', '===== 2 failed, 3 passed in 0.12s =====\n', 2],
    ['pytest -q (failed after passed)', '3 passed, 1 failed in 1.02s\n', 1],
    [
      'cargo (two binaries)',
      'test result: FAILED. 3 passed; 2 failed; 0 ignored\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n',
      3,
    ],
    [
      'go test',
      '--- FAIL: TestA (0.00s)\n    --- FAIL: TestA/sub (0.00s)\n--- FAIL: TestB (0.00s)\nFAIL\tx\t0.01s\n',
      3,
    ],
    ['go test passing', 'ok  \texample.com/x\t0.012s\n', 0],
    ['unknown', 'all good\n', undefined],
  ])('%s', (_name, output, expected) => {
    expect(parseFailingCount(output)).toBe(expected);
  });
});
