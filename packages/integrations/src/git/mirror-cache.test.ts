import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
    await cache.idle();
    const sparesDir = cache.mirrorDirFor(cloneUrl).replace(/\.git$/, '.spares');
    const spares = (await readdir(sparesDir)).map((name) => path.join(sparesDir, name, '.git', 'config'));
    expect(spares).toHaveLength(1);
    const encoded = Buffer.from(`x-access-token:${emulator.token}`).toString('base64');
    for (const config of [
      path.join(cache.mirrorDirFor(cloneUrl), 'config'),
      path.join(dir, '.git', 'config'),
      ...spares,
    ]) {
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

  it('parks a spare after a clone; the next clone takes it over at the fetched tip, independent of all others', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const sparesDir = cache.mirrorDirFor(cloneUrl).replace(/\.git$/, '.spares');
    const first = fresh();
    expect((await cache.clone({ url: cloneUrl, dir: first, branch: 'main' })).spareUsed).toBe(false);
    await cache.idle();
    const [spare] = await readdir(sparesDir);
    expect(spare).toMatch(/^main-[0-9a-f]{12}$/);
    // What the agent or the tests do in one workspace reaches neither the spare nor the next workspace.
    await writeFile(path.join(first, 'src', 'calculator.js'), 'tampered\n');
    const sha = await pushToMain('SPARE.md', 'after the spare was made\n');

    const second = fresh();
    const report = await cache.clone({ url: cloneUrl, dir: second, branch: 'main' });
    expect(report).toMatchObject({ spareUsed: true, refreshed: true, mirrorCreated: false });
    expect(await headOf(second)).toBe(sha);
    expect(await readFile(path.join(second, 'SPARE.md'), 'utf8')).toBe('after the spare was made\n');
    expect(await readFile(path.join(second, 'src', 'calculator.js'), 'utf8')).toContain('export function add');
    expect((await simpleGit(second).status()).isClean()).toBe(true);
    expect((await simpleGit(second).branch()).current).toBe('main');
    expect((await simpleGit(second).remote(['get-url', 'origin']))?.trim()).toBe(cloneUrl);
    expect((await simpleGit(second).raw(['rev-parse', 'origin/main'])).trim()).toBe(sha);
    await expect(stat(path.join(second, '.git', 'objects', 'info', 'alternates'))).rejects.toThrow();

    // A new spare replaces the one taken; changing the workspace leaves it untouched.
    await cache.idle();
    const parked = path.join(sparesDir, spare as string);
    await writeFile(path.join(second, 'src', 'calculator.js'), 'tampered too\n');
    expect(await headOf(parked)).toBe(sha);
    expect((await simpleGit(parked).status()).isClean()).toBe(true);
    const config = await readFile(path.join(parked, '.git', 'config'), 'utf8');
    expect(config).not.toContain(emulator.token);
    expect(config).not.toMatch(/extraheader/i);
    expect((await simpleGit(parked).remote(['get-url', 'origin']))?.trim()).toBe(cloneUrl);
  });

  it('takes a spare over as exactly the tip: files planted in it, tracked or not, are gone', async () => {
    const cache = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache') });
    const sparesDir = cache.mirrorDirFor(cloneUrl).replace(/\.git$/, '.spares');
    await cache.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    await cache.idle();
    const parked = path.join(sparesDir, (await readdir(sparesDir))[0] as string);
    await writeFile(path.join(parked, 'src', 'calculator.js'), 'planted\n');
    await writeFile(path.join(parked, 'planted.js'), 'planted\n');
    await writeFile(path.join(parked, '.gitignore-planted'), 'x\n');
    await mkdir(path.join(parked, 'node_modules', 'evil'), { recursive: true });
    await writeFile(path.join(parked, 'node_modules', 'evil', 'index.js'), 'planted\n');

    const next = fresh();
    expect((await cache.clone({ url: cloneUrl, dir: next, branch: 'main' })).spareUsed).toBe(true);
    expect(await readFile(path.join(next, 'src', 'calculator.js'), 'utf8')).toContain('export function add');
    await expect(stat(path.join(next, 'planted.js'))).rejects.toThrow();
    await expect(stat(path.join(next, '.gitignore-planted'))).rejects.toThrow();
    await expect(stat(path.join(next, 'node_modules'))).rejects.toThrow();
    expect((await simpleGit(next).status()).isClean()).toBe(true);
    await cache.idle();
  });

  it('hands a spare to one clone only when clones race, and makes none when spares are off', async () => {
    const cacheDir = fresh('cache');
    const cache = createMirrorCache({ token: emulator.token, cacheDir });
    await cache.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    await cache.idle();
    const other = createMirrorCache({ token: emulator.token, cacheDir });
    const dirs = Array.from({ length: 4 }, () => fresh());
    const reports = await Promise.all(
      dirs.map((dir, i) => (i % 2 === 0 ? cache : other).clone({ url: cloneUrl, dir, branch: 'main' })),
    );
    expect(reports.filter((r) => r.spareUsed)).toHaveLength(1);
    const heads = await Promise.all(dirs.map(headOf));
    expect(new Set(heads).size).toBe(1);
    for (const dir of dirs) expect((await simpleGit(dir).status()).isClean()).toBe(true);
    await Promise.all([cache.idle(), other.idle()]);

    const plain = createMirrorCache({ token: emulator.token, cacheDir: fresh('cache'), spares: false });
    await plain.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    await plain.idle();
    const second = await plain.clone({ url: cloneUrl, dir: fresh(), branch: 'main' });
    expect(second.spareUsed).toBe(false);
    expect(await readdir(plain.cacheDir)).not.toContainEqual(expect.stringMatching(/\.spares$/));
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
