import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFilesTool } from './list-files.js';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

let root: string;
let ctx: ToolContext;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'khitomer-list-'));
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
  await mkdir(path.join(root, '.git'));
  await mkdir(path.join(root, 'src'));
  await writeFile(path.join(root, 'README.md'), '# x\n');
  await writeFile(path.join(root, 'src', 'b.ts'), '');
  await writeFile(path.join(root, 'src', 'a.ts'), '');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('list_files', () => {
  it('lists the root with dir/ suffixes and without .git', async () => {
    const out = await listFilesTool.execute({ path: null }, ctx);
    expect(out).toEqual({ ok: true, content: 'README.md\nsrc/' });
  });

  it('lists a subdirectory', async () => {
    expect((await listFilesTool.execute({ path: 'src' }, ctx)).content).toBe('a.ts\nb.ts');
  });

  it('caps entries with a notice', async () => {
    for (let i = 0; i < 12; i++) await writeFile(path.join(root, 'src', `f${String(i).padStart(2, '0')}.ts`), '');
    const out = await listFilesTool.execute({ path: 'src' }, { ...ctx, limits: { ...ctx.limits, listMaxEntries: 5 } });
    const lines = out.content.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/list truncated: showing 5 of 14 entries/);
  });

  it.each([
    ['.git', /inside \.git/],
    ['../', /leaves the repository/],
    ['/etc', /absolute/],
    ['missing', /does not exist/],
    ['README.md', /is a file/],
  ])('returns an error result for %s', async (requested, message) => {
    const out = await listFilesTool.execute({ path: requested }, ctx);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^Error: /);
    expect(out.content).toMatch(message);
  });

  it('refuses a symlinked folder leading outside', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'khitomer-list-out-'));
    try {
      await symlink(outside, path.join(root, 'escape'));
      const out = await listFilesTool.execute({ path: 'escape' }, ctx);
      expect(out.content).toMatch(/^Error: .*symlink/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
