/**
 * Best-effort failing-test count from a test runner's summary (node --test, vitest, jest, pytest,
 * cargo test, go test). Returns undefined when no known summary is found.
 */

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function lastNumber(text: string, pattern: RegExp): number | undefined {
  let found: number | undefined;
  for (const match of text.matchAll(pattern)) found = Number(match[1]);
  return found;
}

/** Parses the failing count from output (usually the tail). Pure. */
export function parseFailingCount(output: string): number | undefined {
  // ANSI colour codes (ESC [ … m) would split the summaries; ESC comes from fromCharCode because the linter rejects control characters in regex literals.
  const text = output.replace(ANSI_COLOUR, '');
  // vitest: " Tests  2 failed | 5 passed (7)"; jest: "Tests:       1 failed, 4 passed, 5 total".
  const vitestOrJest = lastNumber(text, /^\s*Tests:?\s+(\d+) failed\b/gm);
  if (vitestOrJest !== undefined) return vitestOrJest;
  // node --test: TAP "# fail 3" or spec reporter "ℹ fail 3".
  const node = lastNumber(text, /^(?:#|ℹ) fail (\d+)\s*$/gm);
  if (node !== undefined) return node;
  // pytest: "==== 2 failed, 3 passed in 0.12s ====" or, with -q, "2 failed, 3 passed in 0.12s".
  const pytest = lastNumber(text, /\b(\d+) failed\b[^\n]*? in [\d.]+s\b/g);
  if (pytest !== undefined) return pytest;
  // cargo: one "test result: FAILED. 3 passed; 2 failed; …" per test binary.
  const cargo = [...text.matchAll(/^test result: \w+\. \d+ passed; (\d+) failed;/gm)];
  if (cargo.length > 0) return cargo.reduce((sum, m) => sum + Number(m[1]), 0);
  // go test: one "--- FAIL: TestX" per failing test (subtests indented).
  const goFails = text.match(/^\s*--- FAIL: /gm);
  if (goFails !== null) return goFails.length;
  if (/^ok\s+\S+\s+[\d.]+s/m.test(text) && !/^FAIL\b/m.test(text)) return 0;
  return undefined;
}
