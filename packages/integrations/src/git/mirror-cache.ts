/**
 * A per-worker clone cache: one bare mirror per repository under a cache folder, refreshed with
 * `git fetch` before every clone, and workspaces cloned from it locally (`git clone --local`:
 * pack files hard-linked when on the same file system, copied otherwise), so only new commits
 * travel over the network. The workspace is independent of the mirror (no alternates), its origin
 * is the real clone URL, and the token never lands in a URL or a config file.
 *
 * Concurrency: refresh and the object copy of a clone run under one lock per mirror (in-process
 * queue plus a lock file, so several processes may share a cache folder); the checkout of the
 * working tree, the slow part, runs outside the lock. Mirrors never run `gc`, so objects a clone
 * may still be copying are never removed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';
import { IntegrationError } from '../errors.js';
import type { CloneOptions } from '../git-workspace.js';
import { type Logger, silentLogger } from '../logger.js';
import { FileLockTimeoutError, withFileLock } from './file-lock.js';
import { authorizationHeader, buildGitEnv, type GitHttpAuth } from './git-env.js';
import { toGitError } from './git-errors.js';

/** Options of {@link createMirrorCache}. Durations in milliseconds. */
export interface MirrorCacheOptions {
  /** Token sent as an HTTP header to the clone URL's origin when fetching (never stored). */
  token: string;
  /** Folder holding the mirrors (created when missing), e.g. `<WORKSPACE_DIR>/.mirrors`. Same file system as the workspaces for hard links. */
  cacheDir: string;
  logger?: Logger;
  /** Deadline of one git command (default 600 000). */
  timeoutMs?: number;
  /** Longest wait for a mirror's lock (default 600 000). */
  lockTimeoutMs?: number;
  /** Environment to take PATH, HOME, LANG and proxy/CA variables from (default `process.env`). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

/** What one cached clone did, for logs and the benchmark. Durations in milliseconds. */
export interface MirrorCloneReport {
  /** The mirror did not exist (or was unusable) and was created by this clone. */
  mirrorCreated: boolean;
  /** The mirror was fetched by this clone (false when a refresh that began after this call already had). */
  refreshed: boolean;
  /** Waiting for the mirror's lock. */
  lockWaitMs: number;
  /** Creating/fetching the mirror. */
  refreshMs: number;
  /** Local clone of the mirror without checkout. */
  cloneMs: number;
  /** Checkout of the working tree. */
  checkoutMs: number;
}

/** A clone cache. */
export interface MirrorCache {
  /** The cache folder. */
  readonly cacheDir: string;
  /**
   * Clones `options.branch` of `options.url` into `options.dir` (which must not exist or be empty)
   * through the repository's mirror: creates the mirror when missing, fetches the branch into it,
   * clones it locally and checks the branch out; the clone's `origin` is `options.url`. The
   * workspace has the full history of the branch (`depth` is ignored). Safe to call concurrently,
   * also from several processes sharing `cacheDir`. Not idempotent (a second call on the same
   * non-empty `dir` fails).
   * @throws IntegrationError (system `git`): `network`, `unavailable`, `rate_limited`, `timeout`
   *   (also when the mirror's lock stays busy) are retryable; `unauthorized`, `forbidden`,
   *   `not_found` (repository or branch), `bad_input` (invalid arguments, non-empty target, an
   *   unusable mirror) and `aborted` are not. Messages never contain the token.
   */
  clone(options: CloneOptions): Promise<MirrorCloneReport>;
  /** Absolute path of the mirror of `url` (it may not exist yet). Pure. */
  mirrorDirFor(url: string): string;
  /** Removes the mirror of `url` (e.g. after it was found unusable), under its lock. Idempotent. */
  discard(url: string): Promise<void>;
}

/** Rejects branch names git would read as options or that are obviously invalid. */
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
    throw new IntegrationError('bad_input', 'clone URL must not contain credentials', { system: 'git' });
  }
  return parsed.origin;
}

/** `<owner>-<name>-<hash>`: readable and unique per URL (case and a trailing `.git` ignored). Pure. */
function mirrorName(url: string): string {
  const normalized = url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
  const readable = normalized
    .split('/')
    .slice(-2)
    .join('-')
    .replace(/[^a-z0-9._-]/g, '_')
    .slice(0, 60);
  return `${readable}-${hash}`;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Settings that keep a mirror append-only and quiet: no gc/maintenance (clones may be copying), no reflogs. */
const MIRROR_CONFIG: [string, string][] = [
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.writeCommitGraph', 'false'],
  ['core.logAllRefUpdates', 'false'],
];

/**
 * Creates a clone cache under `options.cacheDir`. No I/O until a method is called.
 * Use it through {@link withMirrorCache} to get a `GitWorkspace` whose `clone` is cached.
 */
export function createMirrorCache(options: MirrorCacheOptions): MirrorCache {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const lockTimeoutMs = options.lockTimeoutMs ?? 600_000;
  const baseEnv = options.baseEnv ?? process.env;
  const cacheDir = path.resolve(options.cacheDir);
  const header = authorizationHeader(options.token);
  const secrets = [options.token, header, header.slice(header.lastIndexOf(' ') + 1)];
  /** When the last successful refresh of `<mirror>#<branch>` began (ms since the epoch). */
  const refreshedAt = new Map<string, number>();

  async function run<T>(
    operation: string,
    cwd: string,
    signal: AbortSignal | undefined,
    fn: (git: SimpleGit) => Promise<T>,
    auth?: GitHttpAuth,
  ): Promise<T> {
    if (signal?.aborted) throw new IntegrationError('aborted', `git ${operation} aborted`, { system: 'git' });
    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      return await fn(simpleGit({ baseDir: cwd, abort, maxConcurrentProcesses: 2 }).env(buildGitEnv(baseEnv, auth)));
    } catch (err) {
      throw toGitError(err, { operation, aborted: signal?.aborted === true, timedOut: deadline.aborted, secrets });
    }
  }

  const mirrorDirFor = (url: string): string => path.join(cacheDir, `${mirrorName(url)}.git`);

  async function createMirror(mirrorDir: string, signal: AbortSignal | undefined): Promise<void> {
    await rm(mirrorDir, { recursive: true, force: true });
    await run('init', cacheDir, signal, (git) => git.raw(['init', '--bare', '--quiet', mirrorDir]));
    for (const [key, value] of MIRROR_CONFIG) {
      await run('config', mirrorDir, signal, (git) => git.raw(['config', key, value]));
    }
  }

  async function lockFor<T>(mirrorDir: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withFileLock(`${mirrorDir}.lock`, task, { timeoutMs: lockTimeoutMs, ...(signal ? { signal } : {}) });
    } catch (err) {
      if (err instanceof FileLockTimeoutError) {
        throw new IntegrationError(
          'timeout',
          `the clone cache of this repository stayed busy for ${lockTimeoutMs} ms`,
          {
            system: 'git',
          },
        );
      }
      if (signal?.aborted && !(err instanceof IntegrationError)) {
        throw new IntegrationError('aborted', 'git clone aborted', { system: 'git' });
      }
      throw err;
    }
  }

  return {
    cacheDir,
    mirrorDirFor,

    async clone({ url, dir, branch, signal }) {
      assertBranch(branch);
      const auth: GitHttpAuth = { origin: originOf(url), token: options.token };
      const target = path.resolve(dir);
      if (!(await isEmptyOrMissing(target))) {
        throw new IntegrationError('bad_input', `clone target ${target} exists and is not empty`, { system: 'git' });
      }
      await mkdir(cacheDir, { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      const mirrorDir = mirrorDirFor(url);
      const refreshKey = `${mirrorDir}#${branch}`;
      const called = Date.now();
      const report: MirrorCloneReport = {
        mirrorCreated: false,
        refreshed: false,
        lockWaitMs: 0,
        refreshMs: 0,
        cloneMs: 0,
        checkoutMs: 0,
      };

      await lockFor(
        mirrorDir,
        async () => {
          const locked = Date.now();
          report.lockWaitMs = locked - called;
          if (!(await exists(path.join(mirrorDir, 'HEAD')))) {
            await createMirror(mirrorDir, signal);
            report.mirrorCreated = true;
            refreshedAt.delete(refreshKey);
          }
          // A refresh that began after this call sees everything this call could: no need for another.
          if ((refreshedAt.get(refreshKey) ?? Number.NEGATIVE_INFINITY) < called) {
            await run(
              'fetch',
              mirrorDir,
              signal,
              (git) =>
                git.raw([
                  'fetch',
                  '--quiet',
                  '--no-tags',
                  '--no-auto-gc',
                  '--no-write-fetch-head',
                  url,
                  `+refs/heads/${branch}:refs/heads/${branch}`,
                ]),
              auth,
            );
            refreshedAt.set(refreshKey, locked);
            report.refreshed = true;
          }
          const fetched = Date.now();
          report.refreshMs = fetched - locked;
          await run('clone', path.dirname(target), signal, (git) =>
            git.raw([
              'clone',
              '--quiet',
              '--local',
              '--no-checkout',
              '--single-branch',
              '--no-tags',
              '--branch',
              branch,
              mirrorDir,
              target,
            ]),
          );
          report.cloneMs = Date.now() - fetched;
        },
        signal,
      );

      const checkoutStarted = Date.now();
      await run('remote set-url', target, signal, (git) => git.raw(['remote', 'set-url', 'origin', url]));
      await run('checkout', target, signal, (git) => git.raw(['checkout', '--quiet', '--force', branch]));
      report.checkoutMs = Date.now() - checkoutStarted;
      logger.info({ url, branch, ...report }, 'repository cloned from the mirror cache');
      return report;
    },

    async discard(url) {
      const mirrorDir = mirrorDirFor(url);
      await mkdir(cacheDir, { recursive: true });
      await lockFor(mirrorDir, async () => {
        await rm(mirrorDir, { recursive: true, force: true });
        for (const key of [...refreshedAt.keys()]) if (key.startsWith(`${mirrorDir}#`)) refreshedAt.delete(key);
      });
      logger.info({ url }, 'mirror discarded');
    },
  };
}
