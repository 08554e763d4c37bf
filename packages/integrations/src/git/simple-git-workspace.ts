/**
 * `GitWorkspace` over simple-git. The token is sent per network command as an HTTP header
 * through the child's environment (see `git-env.ts`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { IntegrationError } from '../errors.js';
import type { ChangedFile, CloneOptions, CommitAuthor, GitWorkspace } from '../git-workspace.js';
import { type Logger, silentLogger } from '../logger.js';
import { assertBranch, createGitRunner, type GitHttpAuth, httpOriginOf } from './git-env.js';
import { parseNameStatus } from './name-status.js';

/** Options of {@link createGitWorkspace}. */
export interface GitWorkspaceOptions {
  /** Token sent as `Authorization: Basic base64(x-access-token:TOKEN)` to the remote's origin only. */
  token: string;
  logger?: Logger;
  /** Deadline of one git command, in ms (default 600 000). */
  timeoutMs?: number;
  /**
   * Environment to take PATH, HOME, LANG and proxy/CA variables from (default `process.env`);
   * nothing else of it reaches git.
   */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * Creates the git adapter. Methods throw `IntegrationError` (system `git`): `network`,
 * `unavailable`, `rate_limited`, `timeout` are retryable; `unauthorized`, `forbidden`,
 * `not_found` (repository or branch), `conflict` (push rejected / lease stale), `bad_input`
 * (invalid arguments, non-empty target, nothing to commit) and `aborted` are not. Messages never
 * contain the token. Does no I/O until a method is called.
 *
 * `changedFiles` and `diff` stage everything first (`git add -A`, `.gitignore` respected) and
 * compare the index with HEAD, so untracked files and renames show up exactly as `commitAll`
 * would commit them; the index of a workspace clone belongs to this adapter. Only clone and push
 * (and the `ls-remote` before a push) carry the token; local commands run without it.
 */
export function createGitWorkspace(options: GitWorkspaceOptions): GitWorkspace {
  const logger = options.logger ?? silentLogger;
  const run = createGitRunner({ ...options, logger });

  async function remoteAuth(dir: string): Promise<GitHttpAuth> {
    const url = (await run('remote get-url', { cwd: dir }, (git) => git.remote(['get-url', 'origin']))) ?? '';
    return { origin: httpOriginOf(url.trim()), token: options.token };
  }

  /** Stages everything (untracked included, `.gitignore` respected) so diffs show what a commit would contain. */
  function stageAll(dir: string): Promise<unknown> {
    return run('add', { cwd: dir }, (git) => git.add(['-A']));
  }

  return {
    async clone({ url, dir, branch, depth = 1, signal }: CloneOptions) {
      assertBranch(branch);
      const origin = httpOriginOf(url);
      const target = path.resolve(dir);
      await mkdir(path.dirname(target), { recursive: true });
      await run('clone', { cwd: path.dirname(target), auth: { origin, token: options.token }, signal }, (git) =>
        git.clone(url, target, [
          '--depth',
          String(Math.max(1, Math.trunc(depth))),
          '--single-branch',
          '--branch',
          branch,
          '--no-tags',
        ]),
      );
      logger.info({ url, branch, depth }, 'repository cloned');
    },

    async createBranch(dir, branch) {
      assertBranch(branch);
      await run('checkout', { cwd: dir }, (git) => git.checkout(['-B', branch]));
    },

    async changedFiles(dir): Promise<ChangedFile[]> {
      await stageAll(dir);
      const out = await run('diff', { cwd: dir }, (git) =>
        git.raw(['diff', '--cached', '--find-renames', '--name-status', '-z', 'HEAD']),
      );
      return parseNameStatus(out);
    },

    async diff(dir) {
      await stageAll(dir);
      return run('diff', { cwd: dir }, (git) => git.raw(['diff', '--cached', '--find-renames', 'HEAD']));
    },

    async commitAll(dir, message, author: CommitAuthor) {
      const identity = {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      };
      await stageAll(dir);
      const staged = await run('diff', { cwd: dir }, (git) => git.raw(['diff', '--cached', '--name-only', 'HEAD']));
      if (staged.trim() === '') {
        throw new IntegrationError('bad_input', 'nothing to commit: the working tree has no changes', {
          system: 'git',
        });
      }
      await run('commit', { cwd: dir, extraEnv: identity }, (git) =>
        git.commit(message, undefined, { '--no-verify': null }),
      );
      const sha = await run('rev-parse', { cwd: dir }, (git) => git.revparse(['HEAD']));
      logger.info({ sha }, 'changes committed');
      return sha.trim();
    },

    async push(dir, branch, signal) {
      assertBranch(branch);
      const auth = await remoteAuth(dir);
      const ref = `refs/heads/${branch}`;
      // Lease on the value the remote has right now: our own earlier pushes (this or a previous
      // attempt's clone) are overwritten, a push that lands in between is rejected (`conflict`).
      const listing = await run('ls-remote', { cwd: dir, auth, signal }, (git) => git.listRemote(['origin', ref]));
      const current = listing.split('\n').find((line) => line.endsWith(`\t${ref}`));
      const expected = current ? current.slice(0, current.indexOf('\t')) : '';
      await run('push', { cwd: dir, auth, signal }, (git) =>
        git.push('origin', `HEAD:${ref}`, [`--force-with-lease=${ref}:${expected}`, '--no-verify']),
      );
      logger.info({ branch, replaced: expected !== '' }, 'branch pushed');
    },

    async reset(dir) {
      await run('reset', { cwd: dir }, (git) => git.reset(['--hard', 'HEAD']));
      await run('clean', { cwd: dir }, (git) => git.clean('f', ['-d', '-x']));
    },

    async listFiles(dir) {
      const out = await run('ls-files', { cwd: dir }, (git) => git.raw(['ls-files', '-z']));
      return out.split('\0').filter((p) => p !== '');
    },
  };
}
