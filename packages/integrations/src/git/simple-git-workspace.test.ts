import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixturePath } from '@khitomer/testkit/fixtures';
import { type GitHubEmulator, startGitHubEmulator } from '@khitomer/testkit/github';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationError } from '../errors.js';
import type { GitWorkspace } from '../git-workspace.js';
import { createGitWorkspace } from './simple-git-workspace.js';

const AUTHOR = { name: 'Khitomer', email: 'khitomer@users.noreply.github.com' };

let emulator: GitHubEmulator;
let workDir: string;
let git: GitWorkspace;
let cloneUrl: string;
let counter = 0;

function freshDir(): string {
  counter += 1;
  return path.join(workDir, `clone-${counter}`);
}

async function cloned(branch = 'main'): Promise<string> {
  const dir = freshDir();
  await git.clone({ url: cloneUrl, dir, branch });
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (err) {
    return err as IntegrationError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  const repo = await emulator.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'));
  cloneUrl = repo.cloneUrl;
  workDir = await mkdtemp(path.join(os.tmpdir(), 'khitomer-git-test-'));
  git = createGitWorkspace({ token: emulator.token, timeoutMs: 20_000 });
});

afterAll(async () => {
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('GitWorkspace over simple-git (GitHub emulator)', () => {
  it('clones shallowly, branches, sees untracked changes, commits with the given identity and pushes', async () => {
    const dir = await cloned();
    const log = await simpleGit(dir).log();
    expect(log.total).toBe(1);
    expect(await git.listFiles(dir)).toEqual(expect.arrayContaining(['package.json', 'README.md']));

    await git.createBranch(dir, 'khitomer/CALC-1-add-subtract');
    await writeFile(path.join(dir, 'README.md'), 'changed\n');
    await writeFile(path.join(dir, 'NEW.md'), 'brand new file\n');
    await rm(path.join(dir, 'AGENTS.md'));

    const changes = await git.changedFiles(dir);
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'README.md', status: 'modified' },
        { path: 'NEW.md', status: 'added' },
        { path: 'AGENTS.md', status: 'deleted' },
      ]),
    );
    expect(changes).toHaveLength(3);
    const diff = await git.diff(dir);
    expect(diff).toContain('+brand new file');
    expect(diff).toContain('diff --git a/README.md b/README.md');

    const sha = await git.commitAll(dir, 'CALC-1: Add subtract\n\nPlan summary', AUTHOR);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const head = await simpleGit(dir).raw(['log', '-1', '--format=%an|%ae|%cn|%ce|%s']);
    expect(head.trim()).toBe(`${AUTHOR.name}|${AUTHOR.email}|${AUTHOR.name}|${AUTHOR.email}|CALC-1: Add subtract`);
    expect(await git.changedFiles(dir)).toEqual([]);

    await git.push(dir, 'khitomer/CALC-1-add-subtract');
    const branches = await emulator.branches('acme', 'calc');
    expect(branches).toContainEqual({ name: 'khitomer/CALC-1-add-subtract', sha });

    // Pushing again from the same clone after another commit is fine (lease = current remote value).
    await writeFile(path.join(dir, 'NEW.md'), 'second version\n');
    const sha2 = await git.commitAll(dir, 'CALC-1: Add subtract', AUTHOR);
    await git.push(dir, 'khitomer/CALC-1-add-subtract');
    expect(await emulator.branches('acme', 'calc')).toContainEqual({ name: 'khitomer/CALC-1-add-subtract', sha: sha2 });
  });

  it('a fresh attempt (new clone) overwrites our own branch', async () => {
    const first = await cloned();
    await git.createBranch(first, 'khitomer/CALC-2-x');
    await writeFile(path.join(first, 'a.txt'), 'attempt 1\n');
    await git.commitAll(first, 'CALC-2: x', AUTHOR);
    await git.push(first, 'khitomer/CALC-2-x');

    const second = await cloned();
    await git.createBranch(second, 'khitomer/CALC-2-x');
    await writeFile(path.join(second, 'a.txt'), 'attempt 2\n');
    const sha = await git.commitAll(second, 'CALC-2: x', AUTHOR);
    await git.push(second, 'khitomer/CALC-2-x');
    expect(await emulator.readFile('acme', 'calc', 'khitomer/CALC-2-x', 'a.txt')).toBe('attempt 2\n');
    expect(await emulator.branches('acme', 'calc')).toContainEqual({ name: 'khitomer/CALC-2-x', sha });
  });

  it('never writes the token to .git/config, argv-visible remote URLs or error messages', async () => {
    const dir = await cloned();
    const config = await readFile(path.join(dir, '.git', 'config'), 'utf8');
    const encoded = Buffer.from(`x-access-token:${emulator.token}`).toString('base64');
    expect(config).not.toContain(emulator.token);
    expect(config).not.toContain(encoded);
    expect(config).not.toMatch(/extraheader/i);
    expect(config).toContain(`url = ${cloneUrl}`);
    // The emulator saw the header on git's requests.
    const gitRequests = emulator.requests.filter('GET', /\/acme\/calc\.git\/info\/refs$/);
    expect(gitRequests.length).toBeGreaterThan(0);
    expect(gitRequests.every((r) => r.headers.authorization === `Basic ${encoded}`)).toBe(true);

    const wrongToken = 'ghp_wrong_token_11111111111111111111111111';
    const wrong = createGitWorkspace({ token: wrongToken, timeoutMs: 20_000 });
    const err = await rejection(wrong.clone({ url: cloneUrl, dir: freshDir(), branch: 'main' }));
    expect(err.code).toBe('unauthorized');
    expect(err.message).not.toContain(wrongToken);
    expect(err.message).not.toContain(Buffer.from(`x-access-token:${wrongToken}`).toString('base64'));
  });

  it('maps missing repositories, missing branches, unreachable hosts and bad URLs', async () => {
    expect(
      (await rejection(git.clone({ url: `${emulator.url}/acme/nope.git`, dir: freshDir(), branch: 'main' }))).code,
    ).toBe('not_found');
    expect((await rejection(git.clone({ url: cloneUrl, dir: freshDir(), branch: 'no-such-branch' }))).code).toBe(
      'not_found',
    );
    expect(
      (await rejection(git.clone({ url: 'http://127.0.0.1:1/acme/calc.git', dir: freshDir(), branch: 'main' }))).code,
    ).toBe('network');
    const withCredentials = cloneUrl.replace('http://', 'http://user:pw@');
    expect((await rejection(git.clone({ url: withCredentials, dir: freshDir(), branch: 'main' }))).code).toBe(
      'bad_input',
    );
    expect((await rejection(git.clone({ url: 'file:///etc', dir: freshDir(), branch: 'main' }))).code).toBe(
      'bad_input',
    );
    expect((await rejection(git.clone({ url: cloneUrl, dir: freshDir(), branch: '--upload-pack=x' }))).code).toBe(
      'bad_input',
    );
  });

  it('maps a rejected push to conflict', async () => {
    const gitDir = emulator.repository('acme', 'calc')?.gitDir ?? '';
    const first = await cloned();
    await git.createBranch(first, 'khitomer/CALC-3-y');
    await writeFile(path.join(first, 'b.txt'), '1\n');
    await git.commitAll(first, 'CALC-3: y', AUTHOR);
    await git.push(first, 'khitomer/CALC-3-y');
    // The server now refuses non-fast-forward updates, so a fresh attempt's push is rejected.
    await simpleGit().raw(['--git-dir', gitDir, 'config', 'receive.denyNonFastForwards', 'true']);
    try {
      const second = await cloned();
      await git.createBranch(second, 'khitomer/CALC-3-y');
      await writeFile(path.join(second, 'b.txt'), '2\n');
      await git.commitAll(second, 'CALC-3: y', AUTHOR);
      const err = await rejection(git.push(second, 'khitomer/CALC-3-y'));
      expect(err.code).toBe('conflict');
    } finally {
      await simpleGit().raw(['--git-dir', gitDir, 'config', '--unset', 'receive.denyNonFastForwards']);
    }
  });

  it('refuses to commit nothing and resets to the last commit (untracked and ignored files removed)', async () => {
    const dir = await cloned();
    expect((await rejection(git.commitAll(dir, 'nothing', AUTHOR))).code).toBe('bad_input');
    await writeFile(path.join(dir, 'README.md'), 'dirty\n');
    await writeFile(path.join(dir, 'untracked.txt'), 'x\n');
    await writeFile(path.join(dir, '.git', 'info', 'exclude'), 'ignored.txt\n');
    await writeFile(path.join(dir, 'ignored.txt'), 'x\n');
    // Ignored files are not changes…
    expect((await git.changedFiles(dir)).map((f) => f.path).sort()).toEqual(['README.md', 'untracked.txt']);
    await git.reset(dir);
    expect(await git.changedFiles(dir)).toEqual([]);
    await expect(readFile(path.join(dir, 'untracked.txt'))).rejects.toThrow();
    // …but reset removes them too (clean -x).
    await expect(readFile(path.join(dir, 'ignored.txt'))).rejects.toThrow();
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).not.toBe('dirty\n');
  });

  it('aborts a clone through its AbortSignal', async () => {
    const already = new AbortController();
    already.abort();
    expect(
      (await rejection(git.clone({ url: cloneUrl, dir: freshDir(), branch: 'main', signal: already.signal }))).code,
    ).toBe('aborted');

    const removeHang = emulator.faults.add({ path: '/acme/calc.git/*', hang: true });
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = rejection(
        git.clone({ url: cloneUrl, dir: freshDir(), branch: 'main', signal: controller.signal }),
      );
      setTimeout(() => controller.abort(), 300);
      const err = await pending;
      expect(err.code).toBe('aborted');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      removeHang();
    }
  });
});
