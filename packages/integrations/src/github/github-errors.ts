/**
 * Maps octokit's `RequestError` (and fetch failures it wraps) to `IntegrationError`.
 * Structural checks only: `@octokit/request-error` is not a direct dependency.
 */
import {
  codeForHttpStatus,
  IntegrationError,
  type IntegrationErrorCode,
  isIntegrationError,
  parseRetryAfter,
} from '../errors.js';
import { redactSecrets } from '../redact.js';

type Obj = Record<string, unknown>;

const MAX_DETAIL = 300;

function obj(value: unknown): Obj | null {
  return typeof value === 'object' && value !== null ? (value as Obj) : null;
}

function headerOf(err: Obj, name: string): string | undefined {
  const value = obj(obj(err.response)?.headers)?.[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Messages of a GitHub error body: `message` and each `errors[].message`. */
function bodyMessages(err: Obj): string[] {
  const data = obj(obj(err.response)?.data);
  if (!data) return [];
  const out: string[] = [];
  if (typeof data.message === 'string') out.push(data.message);
  if (Array.isArray(data.errors)) {
    for (const e of data.errors) {
      if (typeof e === 'string') out.push(e);
      else if (typeof obj(e)?.message === 'string') out.push(String(obj(e)?.message));
    }
  }
  return out;
}

/** True when GitHub's 422 says the pull request already exists ("A pull request already exists for o:b."). Pure. */
export function isAlreadyExists(err: unknown): boolean {
  const e = obj(err);
  if (e?.status !== 422) return false;
  return [...bodyMessages(e), String(e.message ?? '')].some((m) => /already exists/i.test(m));
}

/**
 * True for the rate-limit responses `@octokit/plugin-throttling` recognises and retries itself
 * (secondary rate limit message, or `x-ratelimit-remaining: 0`), so the retry plugin leaves them alone. Pure.
 */
export function isThrottlingRateLimit(err: unknown): boolean {
  const e = obj(err);
  if (!e || (e.status !== 403 && e.status !== 429)) return false;
  return /\bsecondary rate\b/i.test(String(e.message ?? '')) || headerOf(e, 'x-ratelimit-remaining') === '0';
}

/** Retry-After of a failed response (or the rate-limit reset when the quota is used up), in ms. Pure. */
export function retryAfterOf(err: unknown, now: number = Date.now()): number | undefined {
  const e = obj(err);
  if (!e) return undefined;
  const retryAfter = parseRetryAfter(headerOf(e, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headerOf(e, 'x-ratelimit-reset'));
  if (headerOf(e, 'x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/**
 * Converts an octokit failure into an `IntegrationError` (system `github`): status → code (403
 * that is a rate limit → `rate_limited`), Retry-After → `retryAfterMs`, no response → `network`
 * (`timeout` for a timed-out request, `aborted` when cancelled). A 422 "already exists" is mapped
 * by the caller (`createPullRequest`) to `conflict`. The token never appears in the message; the octokit error (authorization redacted) is the `cause`.
 * Pure; never throws.
 */
export function toGitHubError(err: unknown, operation: string, secrets: readonly string[]): IntegrationError {
  if (isIntegrationError(err)) return err;
  const e = obj(err) ?? {};
  const clean = (text: string) => {
    const redacted = redactSecrets(text, secrets);
    return redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL)}…` : redacted;
  };
  const causeName = String(obj(e.cause)?.name ?? '');
  const response = obj(e.response);
  if (response && typeof e.status === 'number') {
    const status = e.status;
    let code: IntegrationErrorCode = codeForHttpStatus(status);
    if (status === 403 && isThrottlingRateLimit(e)) code = 'rate_limited';
    const retryAfterMs = retryAfterOf(e);
    const detail = clean(bodyMessages(e).join('; ') || String(e.message ?? ''));
    return new IntegrationError(code, `GitHub ${operation} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`, {
      status,
      system: 'github',
      // octokit redacts the authorization header in RequestError, so the cause is safe to keep.
      cause: err,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  let code: IntegrationErrorCode = 'network';
  if (e.name === 'AbortError' || causeName === 'AbortError') code = 'aborted';
  else if (e.name === 'TimeoutError' || causeName === 'TimeoutError') code = 'timeout';
  else if (!('request' in e)) code = 'invalid_response';
  const message = clean(typeof e.message === 'string' ? e.message : String(err));
  return new IntegrationError(code, `GitHub ${operation} failed: ${message}`, { system: 'github', cause: err });
}
