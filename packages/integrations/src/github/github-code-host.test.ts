import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixturePath } from '@khitomer/testkit/fixtures';
import { type GitHubEmulator, startGitHubEmulator } from '@khitomer/testkit/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeHost } from '../code-host.js';
import type { IntegrationError } from '../errors.js';
import { createGitWorkspace } from '../git/simple-git-workspace.js';
import { createGitHubCodeHost } from './github-code-host.js';

const repo = { owner: 'acme', name: 'calc' };
let emulator: GitHubEmulator;
let host: CodeHost;
let workDir: string;

async function rejection(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (err) {
    return err as IntegrationError;
  }
  throw new Error('expected a rejection');
}

/** Pushes a branch with one commit, so a PR can be opened for it. */
async function pushBranch(branch: string): Promise<void> {
  const git = createGitWorkspace({ token: emulator.token });
  const dir = path.join(workDir, branch.replace(/\W/g, '_'));
  const info = await host.getRepository(repo);
  await git.clone({ url: info.cloneUrl, dir, branch: info.defaultBranch });
  await git.createBranch(dir, branch);
  await writeFile(path.join(dir, 'change.txt'), `${branch}\n`);
  await git.commitAll(dir, `${branch}: change`, { name: 'K', email: 'k@example.com' });
  await git.push(dir, branch);
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  await emulator.createRepoFromFixture(repo.owner, repo.name, fixturePath('calculator-js'));
  workDir = await mkdtemp(path.join(os.tmpdir(), 'khitomer-github-test-'));
  host = createGitHubCodeHost({ apiUrl: emulator.url, token: emulator.token, retries: 2, retryBaseDelayMs: 10 });
});

afterAll(async () => {
  await emulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('CodeHost over octokit (GitHub emulator)', () => {
  it('reads repository facts and branches', async () => {
    const info = await host.getRepository(repo);
    expect(info).toEqual({
      fullName: 'acme/calc',
      cloneUrl: `${emulator.url}/acme/calc.git`,
      defaultBranch: 'main',
      htmlUrl: `${emulator.url}/acme/calc`,
      archived: false,
    });
    expect(await host.branchExists(repo, 'main')).toBe(true);
    expect(await host.branchExists(repo, 'khitomer/none')).toBe(false);
  });

  it('maps unknown repositories and bad tokens', async () => {
    expect((await rejection(host.getRepository({ owner: 'acme', name: 'missing' }))).code).toBe('not_found');
    const badToken = 'ghp_bad_token_22222222222222222222222222222';
    const bad = createGitHubCodeHost({ apiUrl: emulator.url, token: badToken, retries: 0 });
    const err = await rejection(bad.getRepository(repo));
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, system: 'github' });
    expect(err.message).not.toContain(badToken);
  });

  it('logs octokit failures by what they mean: 404 at info, retried 5xx at warn, never at error', async () => {
    const lines: [string, string][] = [];
    const record =
      (level: string) =>
      (_obj: Record<string, unknown>, msg?: string): void => {
        lines.push([level, msg ?? '']);
      };
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const logged = createGitHubCodeHost({
      apiUrl: emulator.url,
      token: emulator.token,
      retries: 1,
      retryBaseDelayMs: 10,
      logger,
    });
    await rejection(logged.getRepository({ owner: 'acme', name: 'missing' }));
    const remove = emulator.faults.add({ path: '/repos/acme/calc', status: 502 });
    try {
      await rejection(logged.getRepository(repo));
    } finally {
      remove();
    }
    const octokitLines = lines.filter(([, msg]) => /^GET \/repos\/acme\//.test(msg));
    expect(octokitLines.find(([, msg]) => msg.includes('/missing - 404'))?.[0]).toBe('info');
    expect(octokitLines.filter(([, msg]) => msg.includes(' - 502 ')).map(([level]) => level)).toContain('warn');
    expect(lines.filter(([level]) => level === 'error')).toEqual([]);
  });

  it('finds, creates, reuses and updates a pull request; a duplicate is a conflict', async () => {
    const branch = 'khitomer/CALC-9-subtract';
    await pushBranch(branch);
    expect(await host.findOpenPullRequest(repo, branch)).toBeNull();

    const created = await host.createPullRequest(repo, {
      title: 'CALC-9: Add subtract',
      body: 'body',
      head: branch,
      base: 'main',
      draft: true,
    });
    expect(created).toMatchObject({
      title: 'CALC-9: Add subtract',
      draft: true,
      state: 'open',
      head: branch,
      base: 'main',
    });
    expect(created.url).toContain('/acme/calc/pull/');

    expect(await host.findOpenPullRequest(repo, branch)).toEqual(created);
    expect(await host.findOpenPullRequest(repo, 'khitomer/other')).toBeNull();

    const duplicate = await rejection(
      host.createPullRequest(repo, { title: 'again', body: '', head: branch, base: 'main', draft: false }),
    );
    expect(duplicate).toMatchObject({ code: 'conflict', status: 422, retryable: false });

    const updated = await host.updatePullRequest(repo, created.number, { title: 'CALC-9: Add subtract (v2)' });
    expect(updated.title).toBe('CALC-9: Add subtract (v2)');
    expect(emulator.pulls('acme', 'calc')).toHaveLength(1);
  });

  it('a PR for a branch that does not exist is bad input (422)', async () => {
    const err = await rejection(
      host.createPullRequest(repo, { title: 't', body: '', head: 'khitomer/ghost', base: 'main', draft: false }),
    );
    expect(err).toMatchObject({ code: 'bad_input', status: 422 });
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    emulator.requests.clear();
    emulator.faults.add({ path: '/repos/acme/calc', status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const info = await host.getRepository(repo);
    expect(info.fullName).toBe('acme/calc');
    // With a 10 ms base delay only the server's Retry-After explains a wait of about a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.requests.filter('GET', '/repos/acme/calc')).toHaveLength(2);
  });

  it('retries 5xx a bounded number of times, then surfaces unavailable', async () => {
    emulator.requests.clear();
    const remove = emulator.faults.add({ path: '/repos/acme/calc', status: 503 });
    try {
      const err = await rejection(host.getRepository(repo));
      expect(err).toMatchObject({ code: 'unavailable', status: 503, retryable: true });
      expect(emulator.requests.filter('GET', '/repos/acme/calc')).toHaveLength(3);
    } finally {
      remove();
    }
  });

  it('does not sleep through a long Retry-After: rate_limited with retryAfterMs at once', async () => {
    emulator.requests.clear();
    const remove = emulator.faults.add({ path: '/repos/acme/calc', status: 429, retryAfterSeconds: 3600 });
    try {
      const err = await rejection(host.getRepository(repo));
      expect(err).toMatchObject({ code: 'rate_limited', retryAfterMs: 3_600_000 });
      expect(emulator.requests.filter('GET', '/repos/acme/calc')).toHaveLength(1);
    } finally {
      remove();
    }
  });
});
