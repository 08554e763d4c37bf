import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchCodeTool, toExtendedRegex } from './search-code.js';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

let root: string;
let ctx: ToolContext;

async function populate(): Promise<void> {
  await mkdir(path.join(root, 'src'), { recursive: true });
  await mkdir(path.join(root, 'node_modules', 'dep'), { recursive: true });
  await writeFile(path.join(root, 'src', 'a.ts'), 'export const answer = 42;\nexport function hello() {}\n');
  await writeFile(path.join(root, 'src', 'b.ts'), 'const x = hello();\n');
  await writeFile(path.join(root, 'docs.md'), 'say hello\n');
  await writeFile(path.join(root, 'ignored.log'), 'hello from an ignored file\n');
  await writeFile(path.join(root, 'node_modules', 'dep', 'index.js'), 'hello()\n');
  await writeFile(path.join(root, 'bin.dat'), Buffer.from('hello\0world'));
  await writeFile(path.join(root, '.gitignore'), '*.log\nnode_modules/\n');
}

const run = (args: Record<string, unknown>, over: Partial<ToolContext> = {}) =>
  searchCodeTool.execute(args, { ...ctx, ...over });

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'khitomer-search-'));
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
  await populate();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each([
  ['git grep', true],
  ['JS walk fallback', false],
])('search_code via %s', (_name, useGit) => {
  beforeEach(() => {
    if (useGit) execFileSync('git', ['init', '-q'], { cwd: root });
  });

  it('returns file:line: text matches (tracked or untracked, skipping binary files and node_modules)', async () => {
    const out = await run({ query: 'hello', path: null });
    expect(out.ok).toBe(true);
    const lines = out.content.split('\n').filter((l) => !l.includes('ignored.log'));
    expect(lines.sort()).toEqual([
      'docs.md:1: say hello',
      'src/a.ts:2: export function hello() {}',
      'src/b.ts:1: const x = hello();',
    ]);
  });

  it('honours .gitignore only when git is used', async () => {
    const out = await run({ query: 'ignored' });
    if (useGit) expect(out.content).toMatch(/^No matches/);
    else expect(out.content).toBe('ignored.log:1: hello from an ignored file');
  });

  it('understands \\d and alternation', async () => {
    const out = await run({ query: 'answer = \\d+|x = ' });
    expect(out.content.split('\n').sort()).toEqual([
      'src/a.ts:1: export const answer = 42;',
      'src/b.ts:1: const x = hello();',
    ]);
  });

  it('limits the search to a path', async () => {
    expect((await run({ query: 'hello', path: 'src/b.ts' })).content).toBe('src/b.ts:1: const x = hello();');
    expect((await run({ query: 'hello', path: 'src' })).content.split('\n')).toHaveLength(2);
  });

  it('caps results with a notice', async () => {
    await writeFile(path.join(root, 'many.txt'), 'match\n'.repeat(50));
    const out = await run({ query: 'match' }, { limits: { ...ctx.limits, searchMaxMatches: 10 } });
    const lines = out.content.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatch(/results capped at 10 matches/);
  });

  it('says when nothing matches', async () => {
    expect((await run({ query: 'nothing-like-this' })).content).toBe(
      'No matches for /nothing-like-this/ in the repository',
    );
  });
});

describe('search_code errors', () => {
  it.each([
    [{ query: 'a(' }, /invalid regular expression/],
    [{ query: 'x', path: '.git' }, /inside \.git/],
    [{ query: 'x', path: '../' }, /leaves the repository/],
    [{ query: 'x', path: 'nope' }, /does not exist/],
    [{ query: 'a\nb' }, /single line/],
  ])('%j', async (args, message) => {
    const out = await run(args);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^Error: /);
    expect(out.content).toMatch(message);
  });
});

describe('toExtendedRegex', () => {
  it.each([
    ['\\d+', '[0-9]+'],
    ['\\D', '[^0-9]'],
    ['[\\d]', '[\\d]'],
    ['a\\.b', 'a\\.b'],
    ['\\w+\\s', '\\w+\\s'],
  ])('%s → %s', (input, output) => {
    expect(toExtendedRegex(input)).toBe(output);
  });
});
