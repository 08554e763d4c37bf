import { describe, expect, it } from 'vitest';
import {
  commitMessage,
  describeSecretFindings,
  listTamperingWarnings,
  MAX_TAMPERING_WARNINGS,
} from './commit-and-push.js';

describe('commit message', () => {
  it('is `<KEY>: <summary>` with the plan summary as body', () => {
    expect(commitMessage('KHI-1', 'Fix  add\n', 'Use + instead of -')).toBe('KHI-1: Fix add\n\nUse + instead of -');
    expect(commitMessage('KHI-1', 'Fix add', '  ')).toBe('KHI-1: Fix add');
  });
});

describe('secret finding description', () => {
  it('names file, line and kind, never the value, and says nothing was pushed', () => {
    const text = describeSecretFindings([
      { file: 'src/config.js', line: 1, kind: 'github-token', preview: 'ghp_…', source: 'pattern' },
    ]);
    expect(text).toBe(
      'The change contains what looks like a secret at src/config.js:1 (github-token); nothing was pushed',
    );
  });

  it('lists at most ten findings', () => {
    const findings = Array.from({ length: 12 }, (_, i) => ({
      file: 'a.txt',
      line: i + 1,
      kind: 'aws-access-key',
      preview: 'AKIA…',
      source: 'pattern' as const,
    }));
    expect(describeSecretFindings(findings)).toContain('a.txt:10 (aws-access-key) and 2 more');
  });
});

describe('tampering warnings kept for history, PR and Jira', () => {
  it('keeps up to the limit by name and counts the rest', () => {
    const warnings = Array.from({ length: MAX_TAMPERING_WARNINGS + 7 }, (_, i) => `t${i}.spec.js:1: added skip`);
    expect(listTamperingWarnings(warnings.slice(0, 3))).toEqual(warnings.slice(0, 3));
    const kept = listTamperingWarnings(warnings);
    expect(kept).toHaveLength(MAX_TAMPERING_WARNINGS + 1);
    expect(kept.at(-1)).toBe('… and 7 more (see the diff)');
  });
});
