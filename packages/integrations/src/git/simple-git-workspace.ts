/**
 * `GitWorkspace` over simple-git. The token is sent per network command as an HTTP header
 * through the child's environment (see `git-env.ts`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { IntegrationError } from '../errors.js';
import type { ChangedFile, CloneOptions, CommitAuthor, GitWorkspace } from '../git-workspace.js';
import { type Logger, silentLogger } from '../logger.js';
import { authorizationHeader, buildGitEnv, type GitHttpAuth } from './git-env.js';
import { toGitError } from './git-errors.js';
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

/** Rejects branch names that git would read as options or that are obviously invalid. */
function assertBranch(branch: string): void {
  if (
    branch === '' ||
    branch.startsWith('-') ||
    branch.includes('..') ||
    /[\s~^:?*[\\\p{Cc}]/u.test(branch) ||
    branch.endsWith('/') ||
    branch.endsWith('.lock')
  ) {
    throw new IntegrationError('bad_input', `invalid branch name: ${JSON.stringify(branch)}`, { system: 'git' });
  }
}

/** The `scheme://host[:port]` of an http(s) clone URL without credentials. */
function originOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new IntegrationError('bad_input', 'clone URL is not a valid URL', { system: 'git' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new IntegrationError('bad_input', `clone URL must be http(s), got ${parsed.protocol}`, { system: 'git' });
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in the URL would be written to .git/config.
    throw new IntegrationError('bad_input', 'clone URL must not contain credentials', { system: 'git' });
  }
  return parsed.origin;
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
  const timeoutMs = options.timeoutMs ?? 600_000;
  const baseEnv = options.baseEnv ?? process.env;
  const header = authorizationHeader(options.token);
  const secrets = [options.token, header, header.slice(header.lastIndexOf(' ') + 1)];

  interface RunOptions {
    /** Directory the command runs in (must exist). */
    cwd: string;
    /** Send the token to this remote. */
    auth?: GitHttpAuth;
    extraEnv?: Record<string, string>;
    signal?: AbortSignal | undefined;
  }

  async function run<T>(operation: string, opts: RunOptions, fn: (git: SimpleGit) => Promise<T>): Promise<T> {
    const { signal } = opts;
    if (signal?.aborted) throw new IntegrationError('aborted', `git ${operation} aborted`, { system: 'git' });
    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const started = Date.now();
    try {
      const git = simpleGit({ baseDir: opts.cwd, abort, maxConcurrentProcesses: 2 }).env(
        buildGitEnv(baseEnv, opts.auth, opts.extraEnv),
      );
      const result = await fn(git);
      logger.debug({ operation, durationMs: Date.now() - started }, 'git command done');
      return result;
    } catch (err) {
      const mapped = toGitError(err, {
        operation,
        aborted: signal?.aborted === true,
        timedOut: deadline.aborted,
        secrets,
      });
      logger.warn({ operation, code: mapped.code, durationMs: Date.now() - started }, 'git command failed');
      throw mapped;
    }
  }

  async function remoteAuth(dir: string): Promise<GitHttpAuth> {
    const url = (await run('remote get-url', { cwd: dir }, (git) => git.remote(['get-url', 'origin']))) ?? '';
    return { origin: originOf(url.trim()), token: options.token };
  }

  /** Stages everything (untracked included, `.gitignore` respected) so diffs show what a commit would contain. */
  function stageAll(dir: string): Promise<unknown> {
    return run('add', { cwd: dir }, (git) => git.add(['-A']));
  }

  return {
    async clone({ url, dir, branch, depth = 1, signal }: CloneOptions) {
      assertBranch(branch);
      const origin = originOf(url);
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
