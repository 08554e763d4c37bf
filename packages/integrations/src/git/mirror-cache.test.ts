import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixturePath } from '@khitomer/testkit/fixtures';
import { type GitHubEmulator, startGitHubEmulator } from '@khitomer/testkit/github';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationError } from '../errors.js';
import type { GitWorkspace } from '../git-workspace.js';
import { withMirrorCache } from './cached-git-workspace.js';
import { createMirrorCache } from './mirror-cache.js';
import { createGitWorkspace } from './simple-git-workspace.js';

const AUTHOR = { name: 'Khitomer', email: 'khitomer@users.noreply.github.com' };

let emulator: GitHubEmulator;
let workDir: string;
let git: GitWorkspace;
let cloneUrl: string;
let counter = 0;

function fresh(name = 'clone'): string {
  counter += 1;
  return path.join(workDir, `${name}-${counter}`);
}

async function headOf(dir: string): Promise<string> {
  return (await simpleGit(dir).revparse(['HEAD'])).trim();
}

async function rejection(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (err) {
    return err as IntegrationError;
  }
  throw new Error('expected a rejection');
}

/** Pushes one new commit to `main` of the emulated repository and returns its sha. */
async function pushToMain(file: string, content: string): Promise<string> {
  const dir = fresh('pusher');
  await git.clone({ url: cloneUrl, dir, branch: 'main' });
  await writeFile(path.join(dir, file), content);
  const sha = await git.commitAll(dir, `add ${file}`, AUTHOR);
  await git.push(dir, 'main');
  return sha;
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  const repo = await emulator.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'));
  cloneUrl = repo.cloneUrl;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'khitomer-mirror-test-'));
  git = createGitWorkspace({ token: emulator.token, timeoutMs: 20_000 });
});

afterAll(async () => {
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('mirror clone cache (GitHub emulator)', () => {
  it('creates the mirror once, then clones from it; the clone is independent and points at the real URL', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const first = fresh();
    const report1 = await cache.clone({ url: cloneUrl, dir: first, branch: 'main' });
    expect(report1).toMatchObject({ mirrorCreated: true, refreshed: true });
    expect(await readFile(path.join(first, 'src', 'calculator.js'), 'utf8')).toContain('export function add');

    const second = fresh();
    const report2 = await cache.clone({ url: cloneUrl, dir: second, branch: 'main' });
    expect(report2).toMatchObject({ mirrorCreated: false, refreshed: true });
    expect(await headOf(second)).toBe(await headOf(first));
    expect((await simpleGit(second).status()).isClean()).toBe(true);
    expect((await simpleGit(second).branch()).current).toBe('main');
    expect((await simpleGit(second).remote(['get-url', 'origin']))?.trim()).toBe(cloneUrl);
    // No alternates: removing the mirror leaves a working clone.
    await expect(stat(path.join(second, '.git', 'objects', 'info', 'alternates'))).rejects.toThrow();
    await rm(cache.mirrorDirFor(cloneUrl), { recursive: true, force: true });
    expect(await simpleGit(second).raw(['fsck', '--no-progress'])).toBe('');
  });

  it('never writes the token into the mirror or the workspace', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const dir = fresh();
    await cache.clone({ url: cloneUrl, dir, branch: 'main' });
    const encoded = Buffer.from(`x-access-token:${emulator.token}`).toString('base64');
    for (const config of [path.join(cache.mirrorDirFor(cloneUrl), 'config'), path.join(dir, '.git', 'config')]) {
      const text = await readFile(config, 'utf8');
      expect(text).not.toContain(emulator.token);
      expect(text).not.toContain(encoded);
      expect(text).not.toMatch(/extraheader/i);
    }
  });

  it('fetches before every clone, so a commit pushed after the mirror was made is in the next clone', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    await cache.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    const sha = await pushToMain('NEWS.md', 'fresh\n');
    const dir = fresh();
    await cache.clone({ url: cloneUrl, dir, branch: 'main' });
    expect(await headOf(dir)).toBe(sha);
    expect(await readFile(path.join(dir, 'NEWS.md'), 'utf8')).toBe('fresh\n');
  });

  it('serves concurrent clones, in one process and across cache instances sharing the folder', async () => {
    const cacheDir = fresh('cache');
    const a = createMirrorCache({ token: emulator.token, cacheDir });
    const b = createMirrorCache({ token: emulator.token, cacheDir });
    const dirs = Array.from({ length: 6 }, () => fresh());
    const reports = await Promise.all(
      dirs.map((dir, i) => (i % 2 === 0 ? a : b).clone({ url: cloneUrl, dir, branch: 'main' })),
    );
    expect(reports.filter((r) => r.mirrorCreated)).toHaveLength(1);
    const heads = await Promise.all(dirs.map(headOf));
    expect(new Set(heads).size).toBe(1);
    for (const dir of dirs) expect((await simpleGit(dir).status()).isClean()).toBe(true);
  });

  it('reports a missing branch as not_found and a wrong token as unauthorized', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const missing = await rejection(cache.clone({ url: cloneUrl, dir: fresh(), branch: 'no-such-branch' }));
    expect(missing.code).toBe('not_found');
    const wrong = createMirrorCache({ token: 'ghp_wrong', cacheDir: fresh('cache') });
    const denied = await rejection(wrong.clone({ url: cloneUrl, dir: fresh(), branch: 'main' }));
    expect(denied.code).toBe('unauthorized');
    expect(denied.message).not.toContain('ghp_wrong');
  });

  it('refuses a non-empty target and bad arguments without touching anything', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'keep.txt'), 'mine\n');
    expect((await rejection(cache.clone({ url: cloneUrl, dir, branch: 'main' }))).code).toBe('bad_input');
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine\n');
    expect((await rejection(cache.clone({ url: cloneUrl, dir: fresh(), branch: '--upload-pack=x' }))).code).toBe(
      'bad_input',
    );
    const withCredentials = cloneUrl.replace('://', '://user:pass@');
    expect((await rejection(cache.clone({ url: withCredentials, dir: fresh(), branch: 'main' }))).code).toBe(
      'bad_input',
    );
  });
});

describe('withMirrorCache', () => {
  it('clones through the cache and keeps the other workspace methods working', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const cached = withMirrorCache(git, cache);
    const dir = fresh();
    await cached.clone({ url: cloneUrl, dir, branch: 'main' });
    await cached.createBranch(dir, 'khitomer/CALC-9-cached');
    await writeFile(path.join(dir, 'cached.txt'), 'via the cache\n');
    const sha = await cached.commitAll(dir, 'CALC-9: cached', AUTHOR);
    await cached.push(dir, 'khitomer/CALC-9-cached');
    expect(await emulator.branches('acme', 'calc')).toContainEqual({ name: 'khitomer/CALC-9-cached', sha });
  });

  it('falls back to a direct clone when the mirror is damaged, and rebuilds the mirror next time', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const cached = withMirrorCache(git, cache);
    await cached.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    await rm(path.join(cache.mirrorDirFor(cloneUrl), 'objects'), { recursive: true, force: true });

    const dir = fresh();
    await cached.clone({ url: cloneUrl, dir, branch: 'main' });
    expect(await readFile(path.join(dir, 'src', 'calculator.js'), 'utf8')).toContain('export function add');

    const again = await cache.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    expect(again.mirrorCreated).toBe(true);
  });

  it('does not fall back (or clone twice) when the repository does not exist', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const cached = withMirrorCache(git, cache);
    const before = emulator.requests.entries.length;
    const err = await rejection(
      cached.clone({ url: cloneUrl.replace('calc.git', 'nope.git'), dir: fresh(), branch: 'main' }),
    );
    expect(err.code).toBe('not_found');
    const gitCalls = emulator.requests.entries.slice(before).filter((e) => e.path.includes('/nope.git/'));
    expect(gitCalls.filter((e) => e.path.endsWith('/info/refs'))).toHaveLength(1);
  });
});
