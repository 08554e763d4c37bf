import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures/index.js';
import { type GitHubEmulator, startGitHubEmulator } from './index.js';
import { pushCommit, TempDirs } from './test-support.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const repo = { owner: 'acme', repo: 'calc' };
const branch = 'khitomer/CALC-1-fix-add';
const fixedCalculator = `/** Returns the sum of a and b. */
export function add(a, b) {
  return a + b;
}

/** Returns the difference of a and b. */
export function subtract(a, b) {
  return a - b;
}

/** Returns the product of a and b. */
export function multiply(a, b) {
  return a * b;
}
`;

describe('GitHub emulator: pull requests, comments, labels, reviewers', () => {
  let emu: GitHubEmulator;
  let temp: TempDirs;
  let octokit: Octokit;
  let headSha: string;

  beforeEach(async () => {
    temp = new TempDirs();
    emu = await startGitHubEmulator({ token: 'ghp_pulls_test' });
    const { cloneUrl } = await emu.createRepoFromFixture('acme', 'calc', fixturePath('calculator-js'));
    headSha = await pushCommit(cloneUrl, emu.token, temp, branch, {
      'src/calculator.js': fixedCalculator,
      'CHANGELOG.md': 'fixed add\n',
    });
    octokit = new Octokit({ auth: emu.token, baseUrl: emu.url, log: quiet });
  });

  afterEach(async () => {
    await emu.close();
    await temp.cleanup();
  });

  async function createPr(draft = false) {
    const { data } = await octokit.pulls.create({
      ...repo,
      title: 'CALC-1: Fix add',
      head: branch,
      base: 'main',
      body: 'Fixes add.',
      draft,
    });
    return data;
  }

  it('creates a draft PR and finds it by owner:branch, ignoring a bare branch name like GitHub', async () => {
    const pr = await createPr(true);
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      draft: true,
      title: 'CALC-1: Fix add',
      body: 'Fixes add.',
      html_url: `${emu.url}/acme/calc/pull/1`,
      head: { ref: branch, sha: headSha, label: `acme:${branch}` },
      base: { ref: 'main' },
      commits: 1,
      changed_files: 2,
      user: { login: 'khitomer-bot' },
    });

    const byHead = await octokit.pulls.list({ ...repo, head: `acme:${branch}`, state: 'open' });
    expect(byHead.data.map((p) => p.number)).toEqual([1]);
    const otherHead = await octokit.pulls.list({ ...repo, head: 'acme:other' });
    expect(otherHead.data).toEqual([]);
    // Without the owner GitHub ignores the filter and lists every open PR.
    const bare = await octokit.pulls.list({ ...repo, head: 'other' });
    expect(bare.data.map((p) => p.number)).toEqual([1]);
    const closed = await octokit.pulls.list({ ...repo, state: 'closed' });
    expect(closed.data).toEqual([]);

    expect(emu.pulls('acme', 'calc')).toEqual([
      expect.objectContaining({
        number: 1,
        draft: true,
        body: 'Fixes add.',
        head: branch,
        base: 'main',
        state: 'open',
      }),
    ]);
    const { data: got } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(got.draft).toBe(true);
  });

  it('answers the 422 cases with GitHub error shapes', async () => {
    const rejection = (params: { head: string; base: string }) =>
      octokit.pulls.create({ ...repo, title: 't', ...params }).then(
        () => {
          throw new Error('expected a 422');
        },
        (error: { status: number; response: { data: unknown } }) => {
          expect(error.status).toBe(422);
          return error.response.data;
        },
      );
    const documentation_url = expect.stringContaining('docs.github.com');

    expect(await rejection({ head: 'no-such-branch', base: 'main' })).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
      documentation_url,
      status: '422',
    });
    expect(await rejection({ head: branch, base: 'no-such-base' })).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
      documentation_url,
    });
    // main is behind the branch: nothing to merge from main into it.
    expect(await rejection({ head: 'main', base: branch })).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${branch} and main` }],
    });

    await createPr();
    expect(await rejection({ head: branch, base: 'main' })).toEqual({
      message: 'Validation Failed',
      errors: [
        { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for acme:${branch}.` },
      ],
      documentation_url,
      status: '422',
    });
    expect(await rejection({ head: `acme:${branch}`, base: 'main' })).toMatchObject({
      errors: [{ message: `A pull request already exists for acme:${branch}.` }],
    });
    expect(emu.pulls('acme', 'calc')).toHaveLength(1);
  });

  it('refuses a second PR for the same head even when two creates race', async () => {
    const results = await Promise.allSettled([createPr(), createPr()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(emu.pulls('acme', 'calc')).toHaveLength(1);
  });

  it('lists the PR files and serves its diff', async () => {
    await createPr();
    const { data: files } = await octokit.pulls.listFiles({ ...repo, pull_number: 1 });
    expect(files).toEqual([
      expect.objectContaining({ filename: 'CHANGELOG.md', status: 'added', additions: 1, deletions: 0, changes: 1 }),
      expect.objectContaining({ filename: 'src/calculator.js', status: 'modified', additions: 1, deletions: 1 }),
    ]);
    expect(files[1]?.patch).toMatch(/^@@ .* @@/);
    expect(files[1]?.patch).toContain('-  return a - b;\n+  return a + b;');

    const diff = await emu.pullDiff('acme', 'calc', 1);
    expect(diff).toContain('diff --git a/src/calculator.js b/src/calculator.js');
    expect(diff).toContain('+  return a + b;');
    const { data: viaMediaType } = await octokit.pulls.get({ ...repo, pull_number: 1, mediaType: { format: 'diff' } });
    expect(viaMediaType).toBe(diff);
  });

  it('follows pushes to the head branch', async () => {
    await createPr();
    const cloneUrl = emu.repository('acme', 'calc')?.cloneUrl ?? '';
    const next = await pushCommit(cloneUrl, emu.token, temp, branch, { 'src/extra.js': 'export {};\n' });
    const { data } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(data.head.sha).toBe(next);
    expect(data.commits).toBe(2);
    expect(await emu.pullDiff('acme', 'calc', 1)).toContain('src/extra.js');
  });

  it('updates title, body, state and base', async () => {
    await createPr();
    const { data } = await octokit.pulls.update({ ...repo, pull_number: 1, title: 'New title', body: 'New body' });
    expect(data).toMatchObject({ title: 'New title', body: 'New body', state: 'open', closed_at: null });
    const { data: closed } = await octokit.pulls.update({ ...repo, pull_number: 1, state: 'closed' });
    expect(closed.state).toBe('closed');
    expect(closed.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await octokit.pulls.list({ ...repo, head: `acme:${branch}` })).data).toEqual([]);
    // A closed PR no longer blocks a new one for the same head.
    expect((await createPr()).number).toBe(2);
    // Reopening the first would make two open PRs for one head.
    await expect(octokit.pulls.update({ ...repo, pull_number: 1, state: 'open' })).rejects.toMatchObject({
      status: 422,
    });
    await expect(octokit.pulls.update({ ...repo, pull_number: 2, base: 'nope' })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }] } },
    });
    await expect(octokit.pulls.update({ ...repo, pull_number: 99, title: 'x' })).rejects.toMatchObject({ status: 404 });
    expect(emu.pulls('acme', 'calc').map((p) => [p.number, p.state, p.title])).toEqual([
      [1, 'closed', 'New title'],
      [2, 'open', 'CALC-1: Fix add'],
    ]);
  });

  it('stores comments, labels and requested reviewers', async () => {
    await createPr();
    const { data: comment } = await octokit.issues.createComment({ ...repo, issue_number: 1, body: 'Tests pass.' });
    expect(comment).toMatchObject({ body: 'Tests pass.', user: { login: 'khitomer-bot' } });
    expect(comment.html_url).toBe(`${emu.url}/acme/calc/pull/1#issuecomment-${comment.id}`);
    const { data: comments } = await octokit.issues.listComments({ ...repo, issue_number: 1 });
    expect(comments.map((c) => c.body)).toEqual(['Tests pass.']);
    expect(emu.comments('acme', 'calc', 1)).toEqual([expect.objectContaining({ body: 'Tests pass.', issueNumber: 1 })]);
    await expect(octokit.issues.createComment({ ...repo, issue_number: 42, body: 'x' })).rejects.toMatchObject({
      status: 404,
    });

    const { data: labels } = await octokit.issues.addLabels({
      ...repo,
      issue_number: 1,
      labels: ['khitomer', 'draft'],
    });
    expect(labels.map((l) => l.name)).toEqual(['khitomer', 'draft']);
    await octokit.issues.addLabels({ ...repo, issue_number: 1, labels: ['KHITOMER'] });

    const { data: reviewed } = await octokit.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['alice'] });
    expect(reviewed.requested_reviewers?.map((u) => u.login)).toEqual(['alice']);
    await expect(
      octokit.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['khitomer-bot'] }),
    ).rejects.toMatchObject({ status: 422 });

    expect(emu.pulls('acme', 'calc')[0]).toMatchObject({
      labels: ['khitomer', 'draft'],
      requestedReviewers: ['alice'],
    });
    const { data: pr } = await octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(pr.labels.map((l) => l.name)).toEqual(['khitomer', 'draft']);
    expect(pr.comments).toBe(1);
  });

  it('sends GitHub-like headers and paginates with Link', async () => {
    const response = await octokit.repos.listBranches({ ...repo, per_page: 1 });
    expect(response.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(response.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(response.headers['x-github-request-id']).toBeTruthy();
    expect(response.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.repos.listBranches, { ...repo, per_page: 1 });
    expect(all.map((b) => b.name)).toEqual([branch, 'main']);
  });
});
