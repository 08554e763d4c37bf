import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/index.js';
import { type GitHubEmulator, startGitHubEmulator } from './index.js';
import { basicAuthArgs, bearerAuthArgs, gitClient, gitOk, pushCommit, TempDirs } from './test-support.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('GitHub emulator: git smart HTTP', () => {
  let emu: GitHubEmulator;
  let temp: TempDirs;
  let cloneUrl: string;

  beforeEach(async () => {
    temp = new TempDirs();
    emu = await startGitHubEmulator();
    cloneUrl = (await emu.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'))).cloneUrl;
  });

  afterEach(async () => {
    const dataDir = emu.dataDir;
    await emu.close();
    await temp.cleanup();
    expect(existsSync(dataDir)).toBe(false);
  });

  it('serves repos.get with the clone URL, and a full clone with the token as Basic password', async () => {
    const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: quiet });
    const { data } = await octokit.repos.get({ owner: 'acme', repo: 'calc' });
    expect(data).toMatchObject({
      full_name: 'acme/calc',
      clone_url: `${emu.url}/acme/calc.git`,
      html_url: `${emu.url}/acme/calc`,
      default_branch: 'main',
      archived: false,
      private: true,
      owner: { login: 'acme' },
    });

    const dir = path.join(await temp.make(), 'calc');
    await gitOk([...basicAuthArgs(emu.token), 'clone', '--quiet', data.clone_url, dir]);
    expect(await readFile(path.join(dir, 'src/calculator.js'), 'utf8')).toContain('export function add');
    expect(existsSync(path.join(dir, 'test/calculator.test.js'))).toBe(true);
    expect((await gitOk(['-C', dir, 'log', '--format=%an|%aI'])).trim()).toBe(
      'Khitomer Fixtures|2024-01-01T00:00:00+00:00',
    );
    // The header is passed per command: nothing of the token lands in the clone's config.
    expect(await readFile(path.join(dir, '.git/config'), 'utf8')).not.toContain(emu.token);
  });

  it('creates the same fixture commit on every run', async () => {
    const other = await startGitHubEmulator();
    try {
      await other.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'));
      const [a, b] = await Promise.all([emu.branches('acme', 'calc'), other.branches('acme', 'calc')]);
      expect(a).toEqual(b);
      expect(a.map((x) => x.name)).toEqual(['main']);
    } finally {
      await other.close();
    }
  });

  it('supports --depth 1 clones (Bearer header)', async () => {
    await pushCommit(cloneUrl, emu.token, temp, 'main', { 'NOTES.md': 'second commit\n' });
    const dir = path.join(await temp.make(), 'shallow');
    await gitOk([...bearerAuthArgs(emu.token), 'clone', '--quiet', '--depth', '1', cloneUrl, dir]);
    expect((await gitOk(['-C', dir, 'rev-list', '--count', 'HEAD'])).trim()).toBe('1');
    expect((await gitOk(['-C', dir, 'rev-parse', '--is-shallow-repository'])).trim()).toBe('true');
    expect(await readFile(path.join(dir, 'NOTES.md'), 'utf8')).toBe('second commit\n');
  });

  it('supports --filter=blob:none partial clones, fetching blobs on demand', async () => {
    await pushCommit(cloneUrl, emu.token, temp, 'main', { 'README.md': 'rewritten\n' });
    const dir = path.join(await temp.make(), 'partial');
    await gitOk([...basicAuthArgs(emu.token), 'clone', '--quiet', '--filter=blob:none', cloneUrl, dir]);
    expect((await gitOk(['-C', dir, 'config', 'remote.origin.partialclonefilter'])).trim()).toBe('blob:none');
    expect(await readFile(path.join(dir, 'README.md'), 'utf8')).toBe('rewritten\n');
    // The first commit's README blob was never checked out, so the clone lacks it...
    const missing = await gitOk(['-C', dir, 'rev-list', '--objects', '--all', '--missing=print']);
    expect(missing).toMatch(/^\?[0-9a-f]{40}$/m);
    // ...and reading it makes git fetch it from the emulator by sha (protocol v0 needs the server's
    // uploadpack.allowAnySHA1InWant for that; v2 allows it anyway).
    const lazy = [...basicAuthArgs(emu.token), '-c', 'protocol.version=0', '-C', dir, 'show', 'HEAD~1:README.md'];
    expect(await gitOk(lazy)).toContain('# calculator-js');
  });

  it('answers 401 with a Basic challenge, and accepts the token as password from a prompt (no credential helper)', async () => {
    const dir = await temp.make();
    const askpass = path.join(dir, 'askpass.sh');
    // git calls GIT_ASKPASS with "Username for ..." then "Password for ...".
    await writeFile(askpass, '#!/bin/sh\ncase "$1" in Username*) echo any-user ;; *) echo "$EMU_TOKEN" ;; esac\n');
    await chmod(askpass, 0o700);
    await gitOk(['clone', '--quiet', cloneUrl, path.join(dir, 'clone')], {
      env: { GIT_ASKPASS: askpass, EMU_TOKEN: emu.token },
    });
    expect(existsSync(path.join(dir, 'clone/package.json'))).toBe(true);
    const infoRefs = emu.requests.filter('GET', '/acme/calc.git/info/refs');
    expect(infoRefs[0]?.headers.authorization).toBeUndefined();
    const basic = Buffer.from(`any-user:${emu.token}`).toString('base64');
    expect(infoRefs.some((r) => r.headers.authorization === `Basic ${basic}`)).toBe(true);
  });

  it('refuses a wrong token on git and REST', async () => {
    const dir = path.join(await temp.make(), 'nope');
    const result = await gitClient([...basicAuthArgs('ghp_wrong'), 'clone', '--quiet', cloneUrl, dir]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Authentication failed|could not read Username|401/);
    expect(existsSync(path.join(dir, 'package.json'))).toBe(false);

    const challenge = await fetch(`${cloneUrl}/info/refs?service=git-upload-pack`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe('Basic realm="GitHub"');

    const octokit = new Octokit({ auth: 'ghp_wrong', baseUrl: emu.url, log: quiet });
    await expect(octokit.repos.get({ owner: 'acme', repo: 'calc' })).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials', documentation_url: expect.stringContaining('docs.github.com') } },
    });
    const anonymous = await fetch(`${emu.url}/repos/acme/calc`);
    expect(anonymous.status).toBe(401);
  });

  it('answers 404 for an unknown repository after authentication', async () => {
    const result = await gitClient([...basicAuthArgs(emu.token), 'ls-remote', `${emu.url}/acme/nope.git`]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/not found/i);
    const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: quiet });
    await expect(octokit.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
  });

  it('makes a pushed branch visible to the REST API and the control API', async () => {
    const sha = await pushCommit(cloneUrl, emu.token, temp, 'khitomer/CALC-1-fix-add', {
      'src/calculator.js': 'export const add = (a, b) => a + b;\n',
    });
    const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: quiet });
    const { data: branches } = await octokit.repos.listBranches({ owner: 'acme', repo: 'calc' });
    expect(branches.map((b) => b.name)).toEqual(['khitomer/CALC-1-fix-add', 'main']);
    const { data: branch } = await octokit.repos.getBranch({
      owner: 'acme',
      repo: 'calc',
      branch: 'khitomer/CALC-1-fix-add',
    });
    expect(branch.commit.sha).toBe(sha);
    expect(branch.commit.commit.message).toBe('change on khitomer/CALC-1-fix-add');
    await expect(octokit.repos.getBranch({ owner: 'acme', repo: 'calc', branch: 'nope' })).rejects.toMatchObject({
      status: 404,
    });
    expect(await emu.branches('acme', 'calc')).toContainEqual({ name: 'khitomer/CALC-1-fix-add', sha });
    expect(await emu.readFile('acme', 'calc', 'khitomer/CALC-1-fix-add', 'src/calculator.js')).toContain('a + b');
    expect(await emu.readFile('acme', 'calc', 'main', 'src/calculator.js')).toContain('a - b');
    await expect(emu.readFile('acme', 'calc', 'main', 'missing.txt')).rejects.toThrow(/no file/);
  });

  it('refuses pushes to an archived repository', async () => {
    const repo = await emu.createRepoFromFixture('acme', 'old', fixturePath('green-js'), { archived: true });
    await expect(pushCommit(repo.cloneUrl, emu.token, temp, 'topic', { 'x.txt': 'x\n' })).rejects.toThrow(
      /403|archived/,
    );
    expect((await emu.branches('acme', 'old')).map((b) => b.name)).toEqual(['main']);
  });
});
