import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteFileTool } from './delete-file.js';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

let base: string;
let root: string;
let ctx: ToolContext;
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'khitomer-delete-'));
  root = path.join(base, 'repo');
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(path.join(root, 'dir'));
  await writeFile(path.join(root, 'a.txt'), 'a');
  await writeFile(path.join(root, '.git', 'HEAD'), 'ref');
  await writeFile(path.join(base, 'victim.txt'), 'v');
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('delete_file', () => {
  it('deletes a file', async () => {
    expect(await deleteFileTool.execute({ path: 'a.txt' }, ctx)).toEqual({ ok: true, content: 'OK: deleted a.txt' });
    expect(await exists(path.join(root, 'a.txt'))).toBe(false);
  });

  it.each([
    ['missing.txt', /does not exist/],
    ['dir', /is a directory/],
    ['.', /repository root/],
    ['.git/HEAD', /inside \.git/],
    ['../victim.txt', /leaves the repository/],
  ])('refuses %s', async (requested, message) => {
    const out = await deleteFileTool.execute({ path: requested }, ctx);
    expect(out.content).toMatch(/^Error: /);
    expect(out.content).toMatch(message);
    expect(await exists(path.join(root, '.git', 'HEAD'))).toBe(true);
    expect(await exists(path.join(base, 'victim.txt'))).toBe(true);
  });

  it('refuses a symlink leading outside (and keeps its target)', async () => {
    await symlink(path.join(base, 'victim.txt'), path.join(root, 'link'));
    expect((await deleteFileTool.execute({ path: 'link' }, ctx)).content).toMatch(/^Error: .*symlink/);
    expect(await exists(path.join(base, 'victim.txt'))).toBe(true);
  });
});
