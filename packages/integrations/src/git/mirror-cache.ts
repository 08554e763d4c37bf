/**
 * A per-worker clone cache: one bare mirror per repository under a cache folder, refreshed with
 * `git fetch` before every clone, and workspaces cloned from it locally (`git clone --local`:
 * pack files hard-linked when on the same file system, copied otherwise), so only new commits
 * travel over the network. The workspace is independent of the mirror (no alternates), its origin
 * is the real clone URL, and the token never lands in a URL or a config file.
 *
 * Spares: on a big repository the checkout of the working tree (tens of thousands of new files)
 * costs far more than everything else. So after each clone one more clone of the same branch is
 * made in the background, checked out, and parked under the cache folder (`<mirror>.spares/`).
 * The next clone of that branch takes it over with one `rename` (no file written) and brings it to
 * the freshly fetched tip with `git reset --hard`, which rewrites only files that changed. A spare
 * is an ordinary, complete clone made the same way as any workspace, used by exactly one workspace
 * (a rename can succeed only once), never shared or recycled: a finished workspace is deleted, not
 * turned into a spare.
 *
 * Concurrency: refresh, the object copy of a clone and the take-over of a spare run under one lock
 * per mirror (in-process queue plus a lock file, so several processes may share a cache folder);
 * checkouts, the slow part, run outside the lock, and a spare is built in a private folder and
 * renamed into place only when complete. Mirrors never run `gc`, so objects a clone may still be
 * copying are never removed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { IntegrationError } from '../errors.js';
import type { CloneOptions } from '../git-workspace.js';
import { type Logger, silentLogger } from '../logger.js';
import { FileLockTimeoutError, processAlive, withFileLock } from './file-lock.js';
import { assertBranch, createGitRunner, type GitHttpAuth, httpOriginOf } from './git-env.js';

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
  /**
   * Keep one checked-out spare clone per repository and branch, made in the background after each
   * clone (default true): the next clone's checkout becomes a rename plus the changes since. Costs
   * one more checkout's disk space per repository and branch, and that checkout's work right after
   * each clone.
   */
  spares?: boolean;
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
  /** Waiting for a spare of the branch this process was making when the clone was asked for. */
  spareWaitMs: number;
  /** Checkout of the working tree, or (spare taken over) bringing the spare to the fetched tip. */
  checkoutMs: number;
  /** The workspace is a spare taken over, not a fresh checkout. */
  spareUsed: boolean;
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
  /** Removes the mirror of `url` and its spares (e.g. after it was found unusable), under its lock. Idempotent. */
  discard(url: string): Promise<void>;
  /**
   * Settles once no spare is being made by this cache (tests, benchmarks, a tidy shutdown). Never
   * rejects: a spare that could not be made is logged and skipped.
   */
  idle(): Promise<void>;
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

/** `<branch>-<hash>`: the folder name of a branch's spare, readable and unique per branch. Pure. */
function spareName(branch: string): string {
  const hash = createHash('sha256').update(branch).digest('hex').slice(0, 12);
  return `${branch.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-${hash}`;
}

/** Whether `dir` is missing or an empty folder. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Settles with `promise` (never rejecting), or rejects as `aborted` when `signal` aborts first. */
function settledOrAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  if (!signal) return settled;
  const aborted = () => new IntegrationError('aborted', 'git clone aborted', { system: 'git' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    void settled.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** Settings that keep a mirror append-only and quiet: no gc/maintenance (clones may be copying), no reflogs. */
const MIRROR_CONFIG: [string, string][] = [
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.writeCommitGraph', 'false'],
  ['core.logAllRefUpdates', 'false'],
];

/** `git fetch` of one refspec from `source`: quiet, no tags, no gc, no FETCH_HEAD. Pure. */
function fetchArgs(source: string, refspec: string): string[] {
  return ['fetch', '--quiet', '--no-tags', '--no-auto-gc', '--no-write-fetch-head', source, refspec];
}

/** For checkouts only (never written to a config): write files with one worker per core. */
const CHECKOUT_CONFIG = ['checkout.workers=0'];

/** A spare being built: `.<spare name>.building-<pid>-<random>` next to the spares. */
const BUILDING = /^\..+\.building-(\d+)-[0-9a-f]+$/;

/**
 * Creates a clone cache under `options.cacheDir`. No I/O until a method is called.
 * Use it through {@link withMirrorCache} to get a `GitWorkspace` whose `clone` is cached.
 */
export function createMirrorCache(options: MirrorCacheOptions): MirrorCache {
  const logger = options.logger ?? silentLogger;
  const lockTimeoutMs = options.lockTimeoutMs ?? 600_000;
  const cacheDir = path.resolve(options.cacheDir);
  const run = createGitRunner({
    token: options.token,
    logger,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.baseEnv ? { baseEnv: options.baseEnv } : {}),
  });
  let sparesEnabled = options.spares ?? true;
  /** When the last successful refresh of `<mirror>#<branch>` began (ms since the epoch). */
  const refreshedAt = new Map<string, number>();
  /** Spares this cache is making, by spare folder. */
  const building = new Map<string, Promise<void>>();

  const mirrorDirFor = (url: string): string => path.join(cacheDir, `${mirrorName(url)}.git`);
  const sparesDirFor = (mirrorDir: string): string => `${mirrorDir.slice(0, -'.git'.length)}.spares`;

  async function createMirror(mirrorDir: string, signal: AbortSignal | undefined): Promise<void> {
    await rm(mirrorDir, { recursive: true, force: true });
    await run('init', { cwd: cacheDir, signal }, (git) => git.raw(['init', '--bare', '--quiet', mirrorDir]));
    for (const [key, value] of MIRROR_CONFIG) {
      await run('config', { cwd: mirrorDir, signal }, (git) => git.raw(['config', key, value]));
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

  /** `git clone --local --no-checkout` of the mirror's `branch` into `target` (call under the mirror's lock). */
  function cloneMirror(mirrorDir: string, branch: string, target: string, signal?: AbortSignal): Promise<unknown> {
    return run('clone', { cwd: path.dirname(target), signal }, (git) =>
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
  }

  /** Moves the parked spare `spareDir` to `target` (missing or empty); false when there is none. */
  async function takeSpare(spareDir: string, target: string): Promise<boolean> {
    try {
      await rename(spareDir, target);
      return true;
    } catch (err) {
      if (errorCode(err) === 'EXDEV') {
        // Workspaces on another file system than the cache: a spare could only be copied, which
        // is no cheaper than a checkout. Stop making them.
        sparesEnabled = false;
        logger.warn({ cacheDir }, 'the clone cache is on another file system than the workspaces; spares disabled');
      }
      return false;
    }
  }

  /** Removes spare folders left half-built by processes of this host that are gone. */
  async function removeAbandoned(sparesDir: string): Promise<void> {
    for (const name of await readdir(sparesDir).catch(() => [] as string[])) {
      const pid = Number(BUILDING.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
        await rm(path.join(sparesDir, name), { recursive: true, force: true, maxRetries: 3 });
      }
    }
  }

  /** Makes a checked-out clone of the mirror's `branch` and parks it at `spareDir` (unless one is there by then). */
  async function buildSpare(url: string, branch: string, mirrorDir: string, spareDir: string): Promise<void> {
    if (await exists(spareDir)) return;
    const sparesDir = path.dirname(spareDir);
    await mkdir(sparesDir, { recursive: true });
    await removeAbandoned(sparesDir);
    const temp = path.join(
      sparesDir,
      `.${path.basename(spareDir)}.building-${process.pid}-${randomUUID().replaceAll('-', '').slice(0, 12)}`,
    );
    try {
      await lockFor(mirrorDir, async () => {
        if (!(await exists(path.join(mirrorDir, 'HEAD')))) {
          throw new IntegrationError('bad_input', 'the mirror is gone', { system: 'git' });
        }
        await cloneMirror(mirrorDir, branch, temp);
      });
      await run('remote set-url', { cwd: temp }, (git) => git.raw(['remote', 'set-url', 'origin', url]));
      await run('checkout', { cwd: temp, config: CHECKOUT_CONFIG }, (git) =>
        git.raw(['checkout', '--quiet', '--force', branch]),
      );
      // Files written in the same second as the index are "racily clean": git would re-read and
      // hash every one of them at the take-over. Refreshing the index once the clock has moved on
      // records their stat data for good, so the take-over's reset only compares stat data.
      await delay(1_050 - (Date.now() % 1_000));
      await run('update-index', { cwd: temp }, (git) => git.raw(['update-index', '-q', '--refresh']));
      try {
        await rename(temp, spareDir);
      } catch (err) {
        // Another process parked one meanwhile: one spare is enough.
        if (errorCode(err) !== 'ENOTEMPTY' && errorCode(err) !== 'EEXIST') throw err;
      }
    } finally {
      await rm(temp, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  /** Starts making a spare of `branch` in the background unless this cache is making one already. */
  function scheduleSpare(url: string, branch: string, mirrorDir: string, spareDir: string): void {
    if (!sparesEnabled || building.has(spareDir)) return;
    const started = Date.now();
    const task = buildSpare(url, branch, mirrorDir, spareDir).then(
      () => logger.debug({ url, branch, durationMs: Date.now() - started }, 'spare clone ready'),
      (err: unknown) =>
        logger.warn(
          { url, branch, error: err instanceof Error ? err.message : String(err) },
          'making a spare clone failed',
        ),
    );
    building.set(spareDir, task);
    void task.finally(() => building.delete(spareDir));
  }

  return {
    cacheDir,
    mirrorDirFor,

    async clone({ url, dir, branch, signal }) {
      assertBranch(branch);
      const auth: GitHttpAuth = { origin: httpOriginOf(url), token: options.token };
      const target = path.resolve(dir);
      if (!(await isEmptyOrMissing(target))) {
        throw new IntegrationError('bad_input', `clone target ${target} exists and is not empty`, { system: 'git' });
      }
      await mkdir(cacheDir, { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      const mirrorDir = mirrorDirFor(url);
      const spareDir = path.join(sparesDirFor(mirrorDir), spareName(branch));
      const refreshKey = `${mirrorDir}#${branch}`;
      const called = Date.now();
      const report: MirrorCloneReport = {
        mirrorCreated: false,
        refreshed: false,
        lockWaitMs: 0,
        refreshMs: 0,
        cloneMs: 0,
        spareWaitMs: 0,
        checkoutMs: 0,
        spareUsed: false,
      };

      // A spare this process began earlier is ready sooner than a checkout begun now would be.
      const pending = building.get(spareDir);
      if (pending) {
        await settledOrAborted(pending, signal);
        report.spareWaitMs = Date.now() - called;
      }
      let tip = '';
      await lockFor(
        mirrorDir,
        async () => {
          const locked = Date.now();
          report.lockWaitMs = locked - called - report.spareWaitMs;
          if (!(await exists(path.join(mirrorDir, 'HEAD')))) {
            await createMirror(mirrorDir, signal);
            report.mirrorCreated = true;
            refreshedAt.delete(refreshKey);
          }
          // A refresh that began after this call sees everything this call could: no need for another.
          if ((refreshedAt.get(refreshKey) ?? Number.NEGATIVE_INFINITY) < called) {
            await run('fetch', { cwd: mirrorDir, signal, auth }, (git) =>
              git.raw(fetchArgs(url, `+refs/heads/${branch}:refs/heads/${branch}`)),
            );
            refreshedAt.set(refreshKey, locked);
            report.refreshed = true;
          }
          const fetched = Date.now();
          report.refreshMs = fetched - locked;
          if (sparesEnabled && !report.mirrorCreated) {
            tip = (
              await run('rev-parse', { cwd: mirrorDir, signal }, (git) =>
                git.raw(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`]),
              )
            ).trim();
            report.spareUsed = await takeSpare(spareDir, target);
          }
          if (!report.spareUsed) await cloneMirror(mirrorDir, branch, target, signal);
          report.cloneMs = Date.now() - fetched;
        },
        signal,
      );

      const checkoutStarted = Date.now();
      await run('remote set-url', { cwd: target, signal }, (git) => git.raw(['remote', 'set-url', 'origin', url]));
      if (report.spareUsed) {
        // The spare holds the branch as it was when it was made: fetch what came since from the
        // mirror (local, no token) and move to the tip; only files that differ are written.
        const head = (await run('rev-parse', { cwd: target, signal }, (git) => git.raw(['rev-parse', 'HEAD']))).trim();
        if (head !== tip) {
          await run('fetch', { cwd: target, signal }, (git) =>
            git.raw(fetchArgs(mirrorDir, `+refs/heads/${branch}:refs/remotes/origin/${branch}`)),
          );
        }
        await run('reset', { cwd: target, signal, config: CHECKOUT_CONFIG }, (git) =>
          git.raw(['reset', '--hard', '--quiet', tip]),
        );
        // Exactly the tree of the tip: nothing untracked or ignored survives from the spare's past.
        await run('clean', { cwd: target, signal }, (git) => git.raw(['clean', '-ffdxq']));
      } else {
        await run('checkout', { cwd: target, signal, config: CHECKOUT_CONFIG }, (git) =>
          git.raw(['checkout', '--quiet', '--force', branch]),
        );
      }
      report.checkoutMs = Date.now() - checkoutStarted;
      logger.info({ url, branch, ...report }, 'repository cloned from the mirror cache');
      if (sparesEnabled) scheduleSpare(url, branch, mirrorDir, spareDir);
      return report;
    },

    async discard(url) {
      const mirrorDir = mirrorDirFor(url);
      const sparesDir = sparesDirFor(mirrorDir);
      await mkdir(cacheDir, { recursive: true });
      await Promise.all([...building].filter(([dir]) => dir.startsWith(`${sparesDir}/`)).map(([, task]) => task));
      await lockFor(mirrorDir, async () => {
        await rm(mirrorDir, { recursive: true, force: true, maxRetries: 3 });
        await rm(sparesDir, { recursive: true, force: true, maxRetries: 3 });
        for (const key of [...refreshedAt.keys()]) if (key.startsWith(`${mirrorDir}#`)) refreshedAt.delete(key);
      });
      logger.info({ url }, 'mirror discarded');
    },

    async idle() {
      while (building.size > 0) await Promise.all(building.values());
    },
  };
}
