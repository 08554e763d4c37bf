/**
 * `CodeHost` over `@octokit/rest` with `@octokit/plugin-retry` (429/5xx/network) and
 * `@octokit/plugin-throttling` (GitHub's primary and secondary rate limits, write pacing).
 */
import type { RepositoryRef } from '@khitomer/contracts';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { CodeHost, NewPullRequest, PullRequestInfo, RepositoryInfo } from '../code-host.js';
import { IntegrationError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { isAlreadyExists, isThrottlingRateLimit, retryAfterOf, toGitHubError } from './github-errors.js';

/** Options of {@link createGitHubCodeHost}. */
export interface GitHubCodeHostOptions {
  /** REST API root, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  apiUrl: string;
  /** Token; never logged nor put into error messages. */
  token: string;
  logger?: Logger;
  /** Retries of a transient failure (429, 5xx, network, rate limits) inside the adapter; default 3. */
  retries?: number;
  /** Unit of the quadratic backoff of 5xx/network retries (1, 4, 9 … units); default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Longest Retry-After/rate-limit wait honoured in-process; longer ones surface as `rate_limited`. Default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Deadline of one method call including its retries, in ms; default 120 000. */
  timeoutMs?: number;
}

const RetryingOctokit = Octokit.plugin(retry, throttling);
type GitHubClient = InstanceType<typeof RetryingOctokit>;
type RetryableRequestError = Parameters<GitHubClient['retry']['retryRequest']>[0];

interface RetryDecision {
  /** Whether plugin-retry should retry at all. */
  retry: boolean;
  /** Delay before the retry, in units of `retryBaseDelayMs`. */
  units: number;
}

/**
 * Decides how plugin-retry retries one failure. It computes a quadratic backoff and ignores
 * Retry-After; we take the server's Retry-After when there is one (no retry when it exceeds
 * `maxRetryAfterMs`), and leave rate limits the throttling plugin handles to it (no double retry).
 * Pure.
 */
export function decideRetry(
  error: unknown,
  computedUnits: number,
  limits: { retryBaseDelayMs: number; maxRetryAfterMs: number },
): RetryDecision {
  if (isThrottlingRateLimit(error)) return { retry: false, units: 0 };
  const retryAfterMs = retryAfterOf(error);
  if (retryAfterMs === undefined) return { retry: true, units: computedUnits };
  if (retryAfterMs > limits.maxRetryAfterMs) return { retry: false, units: 0 };
  return { retry: true, units: Math.ceil(retryAfterMs / Math.max(1, limits.retryBaseDelayMs)) };
}

function toPullRequest(pr: {
  number: number;
  html_url: string;
  draft?: boolean | null;
  state: string;
  title: string;
  head: { ref: string };
  base: { ref: string };
}): PullRequestInfo {
  return {
    number: pr.number,
    url: pr.html_url,
    draft: pr.draft === true,
    state: pr.state === 'closed' ? 'closed' : 'open',
    head: pr.head.ref,
    base: pr.base.ref,
    title: pr.title,
  };
}

/**
 * Creates the GitHub adapter. Every method throws `IntegrationError` (system `github`) after the
 * plugins' in-process retries: `rate_limited` (with `retryAfterMs`), `unavailable`, `network`,
 * `timeout` are retryable; `unauthorized`, `forbidden`, `not_found`, `bad_input`, `conflict` are
 * not. Does no I/O until a method is called.
 */
export function createGitHubCodeHost(options: GitHubCodeHostOptions): CodeHost {
  const logger = options.logger ?? silentLogger;
  const retries = options.retries ?? 3;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const secrets = [options.token];

  const onLimit =
    (kind: string) =>
    (retryAfterSeconds: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < retries && retryAfterSeconds * 1000 <= maxRetryAfterMs;
      logger.warn(
        { kind, method: request.method, url: request.url, retryAfterSeconds, retryCount, retrying },
        'github rate limit',
      );
      return retrying;
    };

  const octokit: GitHubClient = new RetryingOctokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'khitomer',
    // Octokit's own log lines carry no secrets (it redacts the authorization header).
    log: {
      debug: (message: string) => logger.debug({ component: 'octokit' }, message),
      info: (message: string) => logger.debug({ component: 'octokit' }, message),
      warn: (message: string) => logger.warn({ component: 'octokit' }, message),
      error: (message: string) => octokitFailureLog(logger, message),
    },
    retry: { retries, retryAfterBaseValue: retryBaseDelayMs },
    throttle: {
      // Pacing groups are per id; one id per API root keeps independent hosts independent.
      id: `khitomer:${options.apiUrl}`,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });

  // plugin-retry's documented hook for scheduling a retry; we adjust its delay (see decideRetry).
  const scheduleRetry = octokit.retry.retryRequest;
  octokit.retry.retryRequest = (error: RetryableRequestError, maxRetries: number, units: number) => {
    const decision = decideRetry(error, units, { retryBaseDelayMs, maxRetryAfterMs });
    if (decision.retry) {
      logger.warn(
        { status: error.status, delayMs: decision.units * retryBaseDelayMs },
        'github request failed, retrying',
      );
    }
    return scheduleRetry(error, decision.retry ? maxRetries : 0, decision.units);
  };

  /** Runs one octokit call under the deadline and maps its failure (`special` first, if given). */
  async function call<T>(
    operation: string,
    fn: (signal: AbortSignal) => Promise<T>,
    special?: (err: unknown) => IntegrationError | undefined,
  ): Promise<T> {
    try {
      return await fn(AbortSignal.timeout(timeoutMs));
    } catch (err) {
      throw special?.(err) ?? toGitHubError(err, operation, secrets);
    }
  }

  return {
    async getRepository(repo: RepositoryRef): Promise<RepositoryInfo> {
      const { data } = await call('get repository', (signal) =>
        octokit.repos.get({ owner: repo.owner, repo: repo.name, request: { signal } }),
      );
      return {
        fullName: data.full_name,
        cloneUrl: data.clone_url,
        defaultBranch: data.default_branch,
        htmlUrl: data.html_url,
        archived: data.archived === true,
      };
    },

    async branchExists(repo, branch) {
      try {
        await call('get branch', (signal) =>
          octokit.repos.getBranch({ owner: repo.owner, repo: repo.name, branch, request: { signal } }),
        );
        return true;
      } catch (err) {
        if (err instanceof IntegrationError && err.code === 'not_found') return false;
        throw err;
      }
    },

    async findOpenPullRequest(repo, branch) {
      const { data } = await call('list pull requests', (signal) =>
        octokit.pulls.list({
          owner: repo.owner,
          repo: repo.name,
          head: `${repo.owner}:${branch}`,
          state: 'open',
          per_page: 100,
          request: { signal },
        }),
      );
      // Filter again: a head filter the server does not understand must not match other branches.
      const match = data.find((pr) => pr.head.ref === branch && pr.state === 'open');
      return match ? toPullRequest(match) : null;
    },

    async createPullRequest(repo, pr: NewPullRequest) {
      const { data } = await call(
        'create pull request',
        (signal) =>
          octokit.pulls.create({
            owner: repo.owner,
            repo: repo.name,
            title: pr.title,
            body: pr.body,
            head: pr.head,
            base: pr.base,
            draft: pr.draft,
            request: { signal },
          }),
        (err) =>
          isAlreadyExists(err)
            ? new IntegrationError('conflict', `GitHub: a pull request for ${pr.head} already exists`, {
                status: 422,
                system: 'github',
                cause: err,
              })
            : undefined,
      );
      logger.info(
        { repository: `${repo.owner}/${repo.name}`, prNumber: data.number, draft: pr.draft },
        'pull request opened',
      );
      return toPullRequest(data);
    },

    async updatePullRequest(repo, number, patch) {
      const { data } = await call('update pull request', (signal) =>
        octokit.pulls.update({
          owner: repo.owner,
          repo: repo.name,
          pull_number: number,
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.body === undefined ? {} : { body: patch.body }),
          ...(patch.state === undefined ? {} : { state: patch.state }),
          request: { signal },
        }),
      );
      return toPullRequest(data);
    },
  };
}

/** Octokit's line for a failed request: `GET /repos/acme/ghost - 404 with id … in 12ms`. */
const FAILED_REQUEST_LINE = /^[A-Z]+ \S+ - (\d{3}) with id /;

/**
 * Logs one of octokit's error lines at the level it deserves. Octokit reports every failed
 * request at error, but a 4xx is an answer about the input (an unknown repository or branch, a
 * PR that exists already), which our callers explain and map, so it goes to info; a 5xx or 429
 * is retried, so it goes to warn. Anything else stays at error. Never throws.
 */
export function octokitFailureLog(logger: Logger, message: string): void {
  const status = Number(FAILED_REQUEST_LINE.exec(message)?.[1]);
  if (status >= 400 && status < 500 && status !== 429) logger.info({ component: 'octokit' }, message);
  else if (status >= 500 || status === 429) logger.warn({ component: 'octokit' }, message);
  else logger.error({ component: 'octokit' }, message);
}
