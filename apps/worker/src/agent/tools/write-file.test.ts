import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';
import { writeFileTool } from './write-file.js';

let base: string;
let root: string;
let ctx: ToolContext;

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'khitomer-write-'));
  root = path.join(base, 'repo');
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(path.join(base, 'outside'));
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('write_file', () => {
  it('creates a file and its parent folders', async () => {
    const out = await writeFileTool.execute({ path: 'src/deep/new.ts', content: 'x = 1\n' }, ctx);
    expect(out).toEqual({ ok: true, content: 'OK: created src/deep/new.ts (6 bytes)' });
    expect(await readFile(path.join(root, 'src/deep/new.ts'), 'utf8')).toBe('x = 1\n');
  });

  it('overwrites an existing file', async () => {
    await writeFile(path.join(root, 'a.txt'), 'old');
    const out = await writeFileTool.execute({ path: 'a.txt', content: '' }, ctx);
    expect(out.content).toBe('OK: updated a.txt (0 bytes)');
    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('');
  });

  it('refuses content over the cap and writes nothing', async () => {
    const out = await writeFileTool.execute(
      { path: 'big.txt', content: 'x'.repeat(101) },
      { ...ctx, limits: { ...ctx.limits, writeMaxBytes: 100 } },
    );
    expect(out.content).toMatch(/^Error: content is 101 bytes; the limit is 100/);
    expect(await exists(path.join(root, 'big.txt'))).toBe(false);
  });

  it.each([
    ['.git/hooks/pre-commit', /inside \.git/],
    ['../escape.txt', /leaves the repository/],
    ['/tmp/x.txt', /absolute/],
    ['', /repository root|must not be empty/],
  ])('refuses %s', async (requested, message) => {
    let content: string;
    try {
      content = (await writeFileTool.execute({ path: requested, content: 'x' }, ctx)).content;
    } catch (err) {
      content = `Error: ${(err as Error).message}`;
    }
    expect(content).toMatch(/^Error: /);
    expect(content).toMatch(message);
    expect(await exists(path.join(base, 'escape.txt'))).toBe(false);
    expect(await exists(path.join(root, '.git', 'hooks'))).toBe(false);
  });

  it('does not create folders outside the clone through a symlinked parent', async () => {
    await symlink(path.join(base, 'outside'), path.join(root, 'link'));
    const out = await writeFileTool.execute({ path: 'link/new/dir/file.txt', content: 'x' }, ctx);
    expect(out.content).toMatch(/^Error: .*symlink/);
    expect(await exists(path.join(base, 'outside', 'new'))).toBe(false);
  });

  it('reports a folder in the way', async () => {
    await mkdir(path.join(root, 'dir'));
    expect((await writeFileTool.execute({ path: 'dir', content: 'x' }, ctx)).content).toMatch(
      /^Error: "dir" is a directory/,
    );
  });
});
