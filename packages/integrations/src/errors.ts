/**
 * The one error type every adapter throws. `code` says what kind of failure it is so the
 * activity boundary can decide retryable vs non-retryable without knowing the library.
 */

/** What went wrong, independent of the outside system. */
export type IntegrationErrorCode =
  /** The request can never succeed as sent (400, 422 that is not a conflict, bad arguments). */
  | 'bad_input'
  /** 401: credentials missing or wrong. */
  | 'unauthorized'
  /** 403 (not rate limiting): the credentials lack permission. */
  | 'forbidden'
  /** 404. */
  | 'not_found'
  /** 409 or an equivalent state conflict. */
  | 'conflict'
  /** 429 or secondary rate limit; see `retryAfterMs`. */
  | 'rate_limited'
  /** 5xx. */
  | 'unavailable'
  /** Connection refused/reset, DNS, TLS. */
  | 'network'
  /** The request took too long. */
  | 'timeout'
  /** The response could not be understood (bad JSON, schema mismatch, unparseable model output). */
  | 'invalid_response'
  /** The operation was cancelled through its AbortSignal. */
  | 'aborted';

const RETRYABLE: ReadonlySet<IntegrationErrorCode> = new Set(['rate_limited', 'unavailable', 'network', 'timeout']);

/** Options of {@link IntegrationError}. */
export interface IntegrationErrorOptions {
  /** HTTP status, when there was one. */
  status?: number;
  /** Server-requested delay before retrying (Retry-After), in ms. */
  retryAfterMs?: number;
  /** The outside system, e.g. `jira`, `github`, `git`, `llm`. */
  system?: string;
  cause?: unknown;
}

/** Error thrown by every adapter in this package. Messages never contain secrets. */
export class IntegrationError extends Error {
  readonly code: IntegrationErrorCode;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly system: string | undefined;

  constructor(code: IntegrationErrorCode, message: string, options: IntegrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IntegrationError';
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.system = options.system;
  }

  /** True for faults worth retrying with backoff (429, 5xx, network, timeout). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** Type guard usable across package copies (checks the shape, not the prototype). */
export function isIntegrationError(err: unknown): err is IntegrationError {
  return (
    err instanceof Error && err.name === 'IntegrationError' && typeof (err as { code?: unknown }).code === 'string'
  );
}

/** Maps an HTTP status to an error code. */
export function codeForHttpStatus(status: number): IntegrationErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'bad_input';
}

/**
 * Parses a Retry-After header (delta-seconds or HTTP date) into milliseconds.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
