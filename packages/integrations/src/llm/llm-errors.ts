/**
 * Maps errors of the `openai` SDK to `IntegrationError`.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import {
  codeForHttpStatus,
  IntegrationError,
  type IntegrationErrorCode,
  isIntegrationError,
  parseRetryAfter,
} from '../errors.js';
import { redactSecrets } from '../redact.js';

const MAX_DETAIL = 300;

/** Server-requested delay from `retry-after-ms` (OpenAI's) or `Retry-After`, in ms. Pure. */
export function retryAfterFromHeaders(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  return parseRetryAfter(headers.get('retry-after'), now);
}

/**
 * Converts an `openai` SDK error into an `IntegrationError` (system `llm`): RateLimitError →
 * `rate_limited` (+ `retryAfterMs`), 5xx → `unavailable`, connection failure → `network`,
 * connection timeout → `timeout`, 401 → `unauthorized`, 400 → `bad_input`, cancellation (or
 * `aborted` true) → `aborted`; other statuses by `codeForHttpStatus`. The API key is removed from
 * the message. Pure; never throws.
 */
export function toLlmError(err: unknown, secrets: readonly string[], aborted = false): IntegrationError {
  if (isIntegrationError(err)) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const redacted = redactSecrets(raw, secrets);
  const detail = redacted.length > MAX_DETAIL ? `${redacted.slice(0, MAX_DETAIL)}…` : redacted;
  let code: IntegrationErrorCode;
  let status: number | undefined;
  let retryAfterMs: number | undefined;
  if (aborted || err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    code = 'aborted';
  } else if (err instanceof APIConnectionTimeoutError) {
    code = 'timeout';
  } else if (err instanceof APIConnectionError) {
    code = 'network';
  } else if (err instanceof RateLimitError) {
    code = 'rate_limited';
    status = 429;
    retryAfterMs = retryAfterFromHeaders(err.headers);
  } else if (err instanceof AuthenticationError) {
    code = 'unauthorized';
    status = 401;
  } else if (err instanceof BadRequestError) {
    code = 'bad_input';
    status = 400;
  } else if (err instanceof InternalServerError || (err instanceof APIError && (err.status ?? 0) >= 500)) {
    code = 'unavailable';
    status = err.status;
    retryAfterMs = retryAfterFromHeaders(err.headers);
  } else if (err instanceof APIError && typeof err.status === 'number') {
    code = codeForHttpStatus(err.status);
    status = err.status;
  } else {
    code = 'invalid_response';
  }
  return new IntegrationError(code, `LLM request failed: ${detail}`, {
    system: 'llm',
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
