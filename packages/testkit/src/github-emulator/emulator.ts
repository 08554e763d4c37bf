import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FaultInjector, flattenHeaders, RequestLog, readBody, startHttpServer } from '../emulator-support/index.js';
import { type CreateRepoOptions, GitHubControl } from './control-api.js';
import { createControlHandler } from './control-routes.js';
import { createGitRoute, gitPathPattern } from './git-route.js';
import { RepoStore } from './repo-store.js';
import { createRestDispatcher } from './rest-dispatch.js';
import type { BranchInfo, IssueCommentRecord, PullRequestRecord, RepositoryRecord } from './types.js';

/** Options of {@link startGitHubEmulator}. */
export interface GitHubEmulatorOptions {
  /** The only token accepted by REST and git (default {@link DEFAULT_GITHUB_TOKEN}). */
  token?: string;
  /** Seed of the fault injector's random numbers (default 42). */
  seed?: number;
  /**
   * Folder for the bare repositories. Default: a fresh temp folder removed by `close()`; a folder
   * given here is created if needed and left in place.
   */
  dataDir?: string;
  /** Login of the token's user: author of PRs and comments (default {@link DEFAULT_GITHUB_LOGIN}). */
  login?: string;
}

/** Token the emulator accepts when none is given. Shaped like a classic PAT (40 characters). */
export const DEFAULT_GITHUB_TOKEN = 'ghp_test_token_000000000000000000000000';

/** Login of the token's user when none is given. */
export const DEFAULT_GITHUB_LOGIN = 'khitomer-bot';

/** A running GitHub emulator: REST API and git smart HTTP on one loopback port. */
export interface GitHubEmulator {
  /** Base URL (no trailing slash): octokit `baseUrl`, and the prefix of clone URLs. */
  readonly url: string;
  /** The accepted token. */
  readonly token: string;
  /** Login of the token's user. */
  readonly login: string;
  /** Folder holding the bare repositories. */
  readonly dataDir: string;
  /** REST and git requests received (control routes excluded; git bodies recorded as ''). */
  readonly requests: RequestLog;
  /** Faults applied to REST and git routes (never to `/_emulator/...`). */
  readonly faults: FaultInjector;
  /** See {@link GitHubControl.createRepoFromFixture}. */
  createRepoFromFixture(
    owner: string,
    name: string,
    fixtureDir: string,
    options?: CreateRepoOptions,
  ): Promise<RepositoryRecord>;
  /** See {@link GitHubControl.repository}. */
  repository(owner: string, name: string): RepositoryRecord | undefined;
  /** See {@link GitHubControl.pulls}. */
  pulls(owner: string, name: string): PullRequestRecord[];
  /** See {@link GitHubControl.pullDiff}. */
  pullDiff(owner: string, name: string, number: number): Promise<string>;
  /** See {@link GitHubControl.readFile}. */
  readFile(owner: string, name: string, ref: string, filePath: string): Promise<string>;
  /** See {@link GitHubControl.branches}. */
  branches(owner: string, name: string): Promise<BranchInfo[]>;
  /** See {@link GitHubControl.comments}. */
  comments(owner: string, name: string, issueNumber?: number): IssueCommentRecord[];
  /** Stops the server, kills running git backends and removes the temp folder. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the GitHub emulator on 127.0.0.1 on a free port. REST under the root (as GitHub
 * Enterprise's API prefix would be), git smart HTTP at `/<owner>/<name>.git`, control API at
 * `/_emulator/...`. Throws when the data folder cannot be created or the port cannot be bound.
 * Needs `git` on PATH.
 */
export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const token = options.token ?? DEFAULT_GITHUB_TOKEN;
  const login = options.login ?? DEFAULT_GITHUB_LOGIN;
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : await mkdtemp(path.join(os.tmpdir(), 'khitomer-github-'));
  await mkdir(dataDir, { recursive: true });

  const requests = new RequestLog();
  const faults = new FaultInjector(options.seed ?? 42);
  const children = new Set<ChildProcess>();
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> = async () => {};
  const server = await startHttpServer((req, res) => handle(req, res)).catch(async (error: unknown) => {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  });

  const store = new RepoStore(dataDir, server.url);
  const control = new GitHubControl(store);
  const rest = createRestDispatcher({ store, baseUrl: server.url, login }, token);
  const git = createGitRoute(store, token, children);
  const controlRoutes = createControlHandler({ control, requests, faults });

  handle = async (req, res) => {
    const url = new URL(req.url ?? '/', server.url);
    const pathname = url.pathname;
    if (pathname === '/_emulator' || pathname.startsWith('/_emulator/')) return controlRoutes(req, res, url);
    const gitMatch = gitPathPattern.exec(pathname);
    // Git bodies are packfiles streamed to the backend; only REST bodies are buffered and logged.
    const body = gitMatch ? Buffer.alloc(0) : await readBody(req);
    requests.record({
      method: (req.method ?? 'GET').toUpperCase(),
      path: pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req.headers),
      body: body.toString('utf8'),
      at: Date.now(),
    });
    if ((await faults.apply(req, res, pathname)) === 'handled') return;
    if (gitMatch) return git(req, res, url, gitMatch);
    return rest(req, res, url, body);
  };

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    token,
    login,
    dataDir,
    requests,
    faults,
    createRepoFromFixture: (owner, name, fixtureDir, opts) =>
      control.createRepoFromFixture(owner, name, fixtureDir, opts),
    repository: (owner, name) => control.repository(owner, name),
    pulls: (owner, name) => control.pulls(owner, name),
    pullDiff: (owner, name, number) => control.pullDiff(owner, name, number),
    readFile: (owner, name, ref, filePath) => control.readFile(owner, name, ref, filePath),
    branches: (owner, name) => control.branches(owner, name),
    comments: (owner, name, issueNumber) => control.comments(owner, name, issueNumber),
    close() {
      closing ??= (async () => {
        await server.close();
        await Promise.all([...children].map(killAndWait));
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/**
 * Kills a `git http-backend` and waits for it to exit. Waits for `exit`, not `close`: a pack
 * process it started may still hold the output pipe (blocked writing to a client that is gone),
 * and closing our ends of the pipes lets that process fail and exit too.
 */
function killAndWait(child: ChildProcess): Promise<void> {
  const closePipes = (): void => {
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    closePipes();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => {
      closePipes();
      resolve();
    });
    child.kill('SIGKILL');
  });
}
