import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathRefusalReason } from './path-safety.js';
import { resolveSafePath } from './path-safety.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'khitomer-path-safety-')));
  root = path.join(base, 'repo');
  outside = path.join(base, 'outside');
  await mkdir(path.join(root, 'src', 'inner'), { recursive: true });
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  await writeFile(path.join(root, '.git', 'config'), '[core]\n');
  await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
  await symlink(outside, path.join(root, 'out-dir'));
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'out-file'));
  await symlink('../../outside', path.join(root, 'src', 'rel-out'));
  await symlink(path.join(outside, 'does-not-exist.txt'), path.join(root, 'dangling'));
  await symlink('a.ts', path.join(root, 'src', 'alias.ts'));
  await symlink('../.git', path.join(root, 'src', 'gitlink'));
  await symlink(path.join(root, 'src'), path.join(root, 'src-link'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveSafePath', () => {
  const refused: [string, unknown, PathRefusalReason][] = [
    ['absolute path', '/etc/x', 'absolute'],
    ['windows drive path', 'C:\\Windows\\x', 'absolute'],
    ['home-relative path', '~/x', 'absolute'],
    ['url', 'file:///etc/passwd', 'absolute'],
    ['parent escape', '../escape.txt', 'escapes_root'],
    ['nested parent escape', 'src/../../escape.txt', 'escapes_root'],
    ['backslash parent escape', '..\\escape.txt', 'escapes_root'],
    ['bare ..', '..', 'escapes_root'],
    ['.git/config', '.git/config', 'git_dir'],
    ['./.git', './.git', 'git_dir'],
    ['a/../.git', 'a/../.git', 'git_dir'],
    ['upper-case .GIT', '.GIT/config', 'git_dir'],
    ['nested .git', 'src/.git/hooks/pre-commit', 'git_dir'],
    ['NTFS-equivalent .git.', '.git./config', 'git_dir'],
    ['8.3 short name', 'GIT~1/config', 'git_dir'],
    ['NUL byte', 'src/a.ts\0.png', 'nul_byte'],
    ['non-string', 42, 'invalid'],
    ['symlinked dir leading outside', 'out-dir/secret.txt', 'symlink_escape'],
    ['new file under symlinked dir leading outside', 'out-dir/new/file.txt', 'symlink_escape'],
    ['symlinked file leading outside', 'out-file', 'symlink_escape'],
    ['relative symlink leading outside', 'src/rel-out/secret.txt', 'symlink_escape'],
    ['dangling symlink', 'dangling', 'symlink_escape'],
    ['symlink into .git', 'src/gitlink/config', 'git_dir'],
  ];
  it.each(refused)('refuses %s', async (_name, requested, reason) => {
    const result = await resolveSafePath(root, requested);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(reason);
      expect(result.message.length).toBeGreaterThan(10);
    }
  });

  const accepted: [string, string, string][] = [
    ['root (empty)', '', ''],
    ['root (.)', '.', ''],
    ['plain file', 'src/a.ts', 'src/a.ts'],
    ['./ prefix', './src/a.ts', 'src/a.ts'],
    ['inner .. that stays inside', 'src/inner/../a.ts', 'src/a.ts'],
    ['backslashes', 'src\\a.ts', 'src/a.ts'],
    ['trailing slash', 'src/', 'src'],
    ['not yet existing file in new folders', 'new/deep/file.ts', 'new/deep/file.ts'],
    ['symlink staying inside', 'src/alias.ts', 'src/alias.ts'],
    ['through a symlinked folder inside', 'src-link/a.ts', 'src-link/a.ts'],
    ['.gitignore is not .git', '.gitignore', '.gitignore'],
    ['.github folder', '.github/workflows/ci.yml', '.github/workflows/ci.yml'],
  ];
  it.each(accepted)('accepts %s', async (_name, requested, relative) => {
    const result = await resolveSafePath(root, requested);
    expect(result).toEqual({
      ok: true,
      relativePath: relative,
      absolutePath: relative === '' ? root : path.join(root, relative),
      root,
    });
  });

  it('refuses everything when the root does not exist', async () => {
    const result = await resolveSafePath(path.join(base, 'missing'), 'a.txt');
    expect(result).toMatchObject({ ok: false, reason: 'root_unavailable' });
  });

  it('works when the root itself is reached through a symlink', async () => {
    const linkedRoot = path.join(base, 'repo-link');
    await symlink(root, linkedRoot);
    expect(await resolveSafePath(linkedRoot, 'src/a.ts')).toMatchObject({
      ok: true,
      absolutePath: path.join(root, 'src/a.ts'),
    });
    expect(await resolveSafePath(linkedRoot, 'out-dir/secret.txt')).toMatchObject({
      ok: false,
      reason: 'symlink_escape',
    });
  });
});
