import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquoteGitPath } from './unified-diff.js';

const diff = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 111..222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,4 +1,5 @@',
  ' one',
  '-two',
  '+TWO',
  '+++ not a header',
  ' three',
  '--- also content',
  '@@ -10 +11,2 @@',
  ' ten',
  '+eleven',
  '\\ No newline at end of file',
  'diff --git a/old.test.ts b/old.test.ts',
  'deleted file mode 100644',
  'index 333..000',
  '--- a/old.test.ts',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  "-it('x')",
  'diff --git a/new.txt b/new.txt',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/new.txt',
  '@@ -0,0 +1 @@',
  '+hello',
  'diff --git a/x.spec.ts b/lib/x.ts',
  'similarity index 100%',
  'rename from x.spec.ts',
  'rename to lib/x.ts',
  'diff --git a/img.png b/img.png',
  'Binary files a/img.png and b/img.png differ',
  '',
].join('\n');

describe('parseUnifiedDiff', () => {
  it('reads files, statuses and added lines with new line numbers', () => {
    const files = parseUnifiedDiff(diff);
    expect(files.map((f) => [f.oldPath, f.newPath, f.status, f.binary])).toEqual([
      ['src/a.ts', 'src/a.ts', 'modified', false],
      ['old.test.ts', undefined, 'deleted', false],
      [undefined, 'new.txt', 'added', false],
      ['x.spec.ts', 'lib/x.ts', 'renamed', false],
      ['img.png', 'img.png', 'modified', true],
    ]);
    expect(files[0]!.added).toEqual([
      { line: 2, text: 'TWO' },
      { line: 3, text: '++ not a header' },
      { line: 12, text: 'eleven' },
    ]);
    expect(files[0]!.removedCount).toBe(2);
    expect(files[2]!.added).toEqual([{ line: 1, text: 'hello' }]);
  });

  it('reads a diff without diff --git headers', () => {
    const files = parseUnifiedDiff('--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-a\n+b\n');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ newPath: 'f.txt', added: [{ line: 1, text: 'b' }] });
  });

  it('returns nothing for empty input', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('unquoteGitPath', () => {
  it.each([
    ['plain.txt', 'plain.txt'],
    ['"b/caf\\303\\251.txt"', 'b/café.txt'],
    ['"a/tab\\there"', 'a/tab\there'],
  ])('%s', (raw, expected) => {
    expect(unquoteGitPath(raw)).toBe(expected);
  });
});
