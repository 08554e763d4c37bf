import { existsSync } from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/index.js';
import { type GitHubEmulator, startGitHubEmulator } from './index.js';
import { basicAuthArgs, gitClient, TempDirs } from './test-support.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('GitHub emulator: fault injection and control routes', () => {
  let emu: GitHubEmulator;
  let temp: TempDirs;
  let octokit: Octokit;

  beforeEach(async () => {
    temp = new TempDirs();
    emu = await startGitHubEmulator({ seed: 7 });
    await emu.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'));
    octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: quiet });
  });

  afterEach(async () => {
    await emu.close();
    await temp.cleanup();
  });

  it('answers 500 once, then serves the request normally', async () => {
    emu.faults.add({ method: 'GET', path: '/repos/acme/calc', status: 500, times: 1 });
    await expect(octokit.repos.get({ owner: 'acme', repo: 'calc' })).rejects.toMatchObject({ status: 500 });
    const { data } = await octokit.repos.get({ owner: 'acme', repo: 'calc' });
    expect(data.full_name).toBe('acme/calc');
    expect(emu.faults.injected).toEqual([{ method: 'GET', path: '/repos/acme/calc', status: 500 }]);
    expect(emu.requests.filter('GET', '/repos/acme/calc')).toHaveLength(2);
  });

  it('answers 429 with Retry-After', async () => {
    emu.faults.add({ path: '/repos/acme/calc/pulls', status: 429, retryAfterSeconds: 7, times: 1 });
    const error = await octokit.pulls.list({ owner: 'acme', repo: 'calc' }).then(
      () => undefined,
      (e: { status: number; response: { headers: Record<string, string> } }) => e,
    );
    expect(error?.status).toBe(429);
    expect(error?.response.headers['retry-after']).toBe('7');
    expect((await octokit.pulls.list({ owner: 'acme', repo: 'calc' })).data).toEqual([]);
  });

  it('applies faults to git routes too', async () => {
    emu.faults.add({ path: '/acme/calc.git/*', status: 503, times: 1 });
    const dir = path.join(await temp.make(), 'clone');
    const cloneUrl = `${emu.url}/acme/calc.git`;
    const failed = await gitClient([...basicAuthArgs(emu.token), 'clone', '--quiet', cloneUrl, dir]);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/503/);
    const ok = await gitClient([...basicAuthArgs(emu.token), 'clone', '--quiet', cloneUrl, dir]);
    expect(ok.exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'package.json'))).toBe(true);
  });

  it('serves the control API over HTTP without auth and without faults', async () => {
    emu.faults.add({ status: 500 });
    const created = await fetch(`${emu.url}/_emulator/repos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: 'demo', name: 'green', fixture: 'green-js' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ fullName: 'demo/green', cloneUrl: `${emu.url}/demo/green.git` });

    const branches = await fetch(`${emu.url}/_emulator/repos/demo/green/branches`);
    expect(((await branches.json()) as { name: string }[]).map((b) => b.name)).toEqual(['main']);
    const file = await fetch(`${emu.url}/_emulator/repos/demo/green/files/src/calculator.js?ref=main`);
    expect(await file.text()).toContain('return a + b;');
    const pulls = await fetch(`${emu.url}/_emulator/repos/demo/green/pulls`);
    expect(await pulls.json()).toEqual([]);
    const unknown = await fetch(`${emu.url}/_emulator/repos/demo/nope/pulls`);
    expect(unknown.status).toBe(404);
    const duplicate = await fetch(`${emu.url}/_emulator/repos`, {
      method: 'POST',
      body: JSON.stringify({ owner: 'demo', name: 'green', fixture: 'green-js' }),
    });
    expect(duplicate.status).toBe(409);

    // REST still goes through the catch-all fault.
    await expect(octokit.repos.get({ owner: 'demo', repo: 'green' })).rejects.toMatchObject({ status: 500 });
    expect(emu.requests.filter(undefined, /^\/_emulator/)).toEqual([]);
  });
});
