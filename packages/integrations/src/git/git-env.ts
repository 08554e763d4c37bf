/**
 * How every git child process of the adapters is set up and run: its environment (credentials
 * travel only here, never in argv, the remote URL or `.git/config`: `GIT_CONFIG_COUNT`/
 * `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` set `http.<origin>/.extraHeader` for network commands),
 * the argument checks on branch names and clone URLs, and {@link createGitRunner}: one git command
 * with a deadline, cancellation and errors mapped to `IntegrationError` without the token.
 */
import { type SimpleGit, simpleGit } from 'simple-git';
import { IntegrationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { toGitError } from './git-errors.js';

/** Variables taken over from the parent environment; everything else (API keys…) stays out. */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'SYSTEMROOT',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
] as const;

/** Credentials for one HTTP(S) origin. */
export interface GitHttpAuth {
  /** `scheme://host[:port]` of the remote; the header is sent to this origin only. */
  origin: string;
  token: string;
}

/** The `Authorization` header line git sends: Basic `x-access-token:<token>` (GitHub's convention). Pure. */
export function authorizationHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Builds the environment for one git command: a small allow-list of `base`, no prompts
 * (`GIT_TERMINAL_PROMPT=0`), hooks and credential helpers disabled (hooks would inherit the
 * token; helpers could store it), no commit signing, and with `auth` the token header scoped
 * to `auth.origin`. `extra` (e.g. author identity) is added last.
 */
export function buildGitEnv(
  base: Readonly<Record<string, string | undefined>>,
  auth?: GitHttpAuth,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
    ['commit.gpgSign', 'false'],
    ['core.askPass', ''],
  ];
  if (auth) config.push([`http.${auth.origin}/.extraHeader`, authorizationHeader(auth.token)]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  return { ...env, ...extra };
}

/**
 * Rejects branch names git would read as options or that are obviously invalid. Pure.
 * @throws IntegrationError `bad_input` (system `git`).
 */
export function assertBranch(branch: string): void {
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

/**
 * The `scheme://host[:port]` of an http(s) clone URL. Pure.
 * @throws IntegrationError `bad_input` (system `git`) for anything else, and for credentials in
 *   the URL (git would write them to `.git/config`).
 */
export function httpOriginOf(url: string): string {
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

/** Options of {@link createGitRunner}. */
export interface GitRunnerOptions {
  /** The token, in every form it could appear in git's output (removed from error messages). */
  token: string;
  logger?: Logger;
  /** Deadline of one git command, in ms (default 600 000). */
  timeoutMs?: number;
  /** Environment to take PATH, HOME, LANG and proxy/CA variables from (default `process.env`). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

/** Where and how one git command runs. */
export interface GitRunOptions {
  /** Directory the command runs in (must exist). */
  cwd: string;
  /** Send the token to this remote. */
  auth?: GitHttpAuth;
  /** Extra environment (e.g. author identity). */
  extraEnv?: Record<string, string>;
  /** `key=value` settings for this command only (`git -c`), never written to a config file. */
  config?: string[];
  signal?: AbortSignal | undefined;
}

/** Runs one git command through simple-git; see {@link createGitRunner}. */
export type GitRunner = <T>(
  operation: string,
  options: GitRunOptions,
  fn: (git: SimpleGit) => Promise<T>,
) => Promise<T>;

/**
 * A function that runs one git command (`fn` on a fresh simple-git instance) in the environment of
 * {@link buildGitEnv}, stopped by `signal` or the deadline, logging its duration (debug) or
 * failure (warn). Does no I/O until called.
 * @throws from the returned function IntegrationError (system `git`, code from
 *   `classifyGitFailure`; `aborted`, `timeout`), its message free of the token.
 */
export function createGitRunner(options: GitRunnerOptions): GitRunner {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const baseEnv = options.baseEnv ?? process.env;
  const header = authorizationHeader(options.token);
  const secrets = [options.token, header, header.slice(header.lastIndexOf(' ') + 1)];
  return async (operation, opts, fn) => {
    const { signal } = opts;
    if (signal?.aborted) throw new IntegrationError('aborted', `git ${operation} aborted`, { system: 'git' });
    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const started = Date.now();
    try {
      const git = simpleGit({
        baseDir: opts.cwd,
        abort,
        maxConcurrentProcesses: 2,
        ...(opts.config ? { config: opts.config } : {}),
      }).env(buildGitEnv(baseEnv, opts.auth, opts.extraEnv));
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
  };
}
