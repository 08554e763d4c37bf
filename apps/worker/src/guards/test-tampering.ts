/**
 * Detects diffs that weaken the test suite (PRODUCT.md §5.1): deleted test files (also renamed
 * away from a test location) and added skip/focus markers. The result makes the PR a draft with a
 * warning; it does not stop the run.
 */
import { displayPath, parseUnifiedDiff } from './unified-diff.js';

/** One suspicious change. */
export interface TamperingWarning {
  kind: 'deleted_test_file' | 'added_skip' | 'added_focus';
  file: string;
  /** New-file line number (absent for deleted files). */
  line?: number;
  /** The added line, trimmed and clipped to 200 characters (absent for deleted files). */
  text?: string;
  /** Human-readable, e.g. `src/a.test.ts:12: added skip: it.skip('x', …)`. */
  message: string;
}

const TEST_PATH_PATTERNS: readonly RegExp[] = [
  /(^|\/)(tests?|__tests__|specs?|testing)\//i,
  /\.(test|spec)\.[cm]?[jt]sx?$/i,
  /_test\.go$/,
  /(^|\/)test_[^/]*\.py$/,
  /_test\.py$/,
  /(^|\/)conftest\.py$/,
  /(Test|Tests|IT)\.(java|kt|cs)$/,
  /_spec\.rb$/,
];

/** True when a path looks like a test file in common JS/TS, Go, Python, Java/Kotlin/C#, Rust and Ruby layouts. Pure. */
export function isTestPath(filePath: string): boolean {
  return TEST_PATH_PATTERNS.some((p) => p.test(filePath));
}

const JS_FILE = /\.[cm]?[jt]sx?$/i;

/** `files`, when set, limits a marker to matching paths (`fit(` is a focus in Jasmine/Jest, an ordinary call in Python). */
const MARKERS: readonly { kind: 'added_skip' | 'added_focus'; pattern: RegExp; label: string; files?: RegExp }[] = [
  {
    kind: 'added_focus',
    pattern: /\b(?:it|test|describe|context|suite|bench)(?:\.\w+)*\.only\s*\(/,
    label: 'focus (.only)',
  },
  {
    kind: 'added_focus',
    pattern: /(?<![\w.$])f(?:it|describe|test)\s*\(/,
    label: 'focus (fit/fdescribe)',
    files: JS_FILE,
  },
  {
    kind: 'added_skip',
    pattern: /\b(?:it|test|describe|context|suite|bench)(?:\.\w+)*\.skip(?:If)?\s*\(/,
    label: 'skip (.skip)',
  },
  { kind: 'added_skip', pattern: /\b(?:it|test|describe)(?:\.\w+)*\.todo\b/, label: 'todo (.todo)' },
  {
    kind: 'added_skip',
    pattern: /(?<![\w.$])x(?:it|describe|test|context)\s*\(/,
    label: 'skip (xit/xdescribe)',
    files: JS_FILE,
  },
  { kind: 'added_skip', pattern: /@pytest\.mark\.(?:skip|skipif|xfail)\b/, label: 'skip (@pytest.mark.skip)' },
  { kind: 'added_skip', pattern: /\bpytest\.skip\s*\(/, label: 'skip (pytest.skip)' },
  { kind: 'added_skip', pattern: /@unittest\.skip\w*\b/, label: 'skip (@unittest.skip)' },
  { kind: 'added_skip', pattern: /\bt\.Skip(?:Now|f)?\s*\(/, label: 'skip (t.Skip)' },
  { kind: 'added_skip', pattern: /#\[ignore\b/, label: 'skip (#[ignore])' },
  { kind: 'added_skip', pattern: /@(?:Disabled|Ignore)\b/, label: 'skip (@Disabled)' },
];

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed;
}

/**
 * Lists deleted test files and added skip/focus markers in a unified diff (only added lines count).
 * Pure; never throws.
 */
export function detectTestTampering(diffText: string): TamperingWarning[] {
  const warnings: TamperingWarning[] = [];
  for (const file of parseUnifiedDiff(diffText)) {
    const oldPath = file.oldPath;
    if (oldPath !== undefined && isTestPath(oldPath)) {
      const deleted = file.status === 'deleted';
      const movedAway = file.status === 'renamed' && file.newPath !== undefined && !isTestPath(file.newPath);
      if (deleted || movedAway) {
        warnings.push({
          kind: 'deleted_test_file',
          file: oldPath,
          message: deleted
            ? `${oldPath}: test file deleted`
            : `${oldPath}: test file renamed to ${file.newPath} (no longer a test path)`,
        });
      }
    }
    const shown = displayPath(file);
    for (const added of file.added) {
      for (const marker of MARKERS) {
        if (marker.files !== undefined && !marker.files.test(shown)) continue;
        if (!marker.pattern.test(added.text)) continue;
        const text = clip(added.text);
        warnings.push({
          kind: marker.kind,
          file: shown,
          line: added.line,
          text,
          message: `${shown}:${added.line}: added ${marker.label}: ${text}`,
        });
        break;
      }
    }
  }
  return warnings;
}
