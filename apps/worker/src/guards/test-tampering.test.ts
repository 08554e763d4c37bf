import { describe, expect, it } from 'vitest';
import { detectTestTampering, isTestPath } from './test-tampering.js';

function added(file: string, line: string): string {
  return [
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    '@@ -4,1 +4,2 @@',
    ' context',
    `+${line}`,
    '',
  ].join('\n');
}

describe('detectTestTampering', () => {
  it.each([
    ['src/a.test.ts', "  it.skip('adds', () => {", 'added_skip'],
    ['src/a.test.ts', "describe.skip('suite', () => {", 'added_skip'],
    ['src/a.test.ts', "test.only('x', () => {})", 'added_focus'],
    ['src/a.spec.js', "it.only('x', () => {})", 'added_focus'],
    ['src/a.spec.js', "describe.only('x', () => {})", 'added_focus'],
    ['src/a.spec.js', "xit('x', () => {})", 'added_skip'],
    ['src/a.spec.js', "xdescribe('x', () => {})", 'added_skip'],
    ['src/a.spec.js', "fit('x', () => {})", 'added_focus'],
    ['src/a.test.ts', "it.todo('later')", 'added_skip'],
    ['src/a.test.ts', "test.skipIf(process.env.CI)('x', () => {})", 'added_skip'],
    ['tests/test_a.py', '@pytest.mark.skip(reason="flaky")', 'added_skip'],
    ['tests/test_a.py', '    pytest.skip("no")', 'added_skip'],
    ['a_test.go', '\tt.Skip("later")', 'added_skip'],
    ['src/lib.rs', '#[ignore]', 'added_skip'],
    ['src/test/java/AppTest.java', '  @Disabled', 'added_skip'],
  ])('%s: %s', (file, line, kind) => {
    const warnings = detectTestTampering(added(file, line));
    expect(warnings).toEqual([
      {
        kind,
        file,
        line: 5,
        text: line.trim(),
        message: expect.stringContaining(`${file}:5: added `) as unknown as string,
      },
    ]);
    expect(warnings[0]!.message).toContain(line.trim());
  });

  it.each([
    ['src/stream.java', 'list.stream().skip(1)'],
    ['src/model.py', 'model.fit(x, y)'],
    ['src/model.py', 'fit(x, y)'],
    ['src/a.test.ts', "it('works', () => {})"],
    ['src/a.ts', 'const onlyOne = items.only;'],
  ])('does not flag %s: %s', (file, line) => {
    expect(detectTestTampering(added(file, line))).toEqual([]);
  });

  it('ignores removed lines (removing a skip is fine)', () => {
    const text = [
      'diff --git a/a.test.ts b/a.test.ts',
      '--- a/a.test.ts',
      '+++ b/a.test.ts',
      '@@ -1 +1 @@',
      "-it.skip('x')",
      "+it('x')",
      '',
    ].join('\n');
    expect(detectTestTampering(text)).toEqual([]);
  });

  it('warns about deleted test files and tests renamed out of a test location', () => {
    const text = [
      'diff --git a/src/a.test.ts b/src/a.test.ts',
      'deleted file mode 100644',
      '--- a/src/a.test.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      "-it('x')",
      'diff --git a/src/b.ts b/src/b.ts',
      'deleted file mode 100644',
      '--- a/src/b.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git a/tests/test_c.py b/attic/c.py',
      'rename from tests/test_c.py',
      'rename to attic/c.py',
      'diff --git a/src/d.test.ts b/src/e.test.ts',
      'rename from src/d.test.ts',
      'rename to src/e.test.ts',
      '',
    ].join('\n');
    expect(detectTestTampering(text).map((w) => [w.kind, w.file, w.message])).toEqual([
      ['deleted_test_file', 'src/a.test.ts', 'src/a.test.ts: test file deleted'],
      [
        'deleted_test_file',
        'tests/test_c.py',
        'tests/test_c.py: test file renamed to attic/c.py (no longer a test path)',
      ],
    ]);
  });
});

describe('isTestPath', () => {
  it.each([
    ['src/a.test.ts', true],
    ['src/__tests__/a.js', true],
    ['test/helper.js', true],
    ['pkg/a_test.go', true],
    ['tests/test_x.py', true],
    ['src/FooTest.java', true],
    ['spec/a_spec.rb', true],
    ['src/a.ts', false],
    ['src/testing.ts', false],
    ['latest/x.ts', false],
  ])('%s → %s', (p, expected) => {
    expect(isTestPath(p)).toBe(expected);
  });
});
