/**
 * Maps whatever jira.js throws (its `HttpException` wrapping an axios error, or a bare axios
 * network error) to `IntegrationError`. Structural checks only: axios is not a direct dependency.
 */
import {
  codeForHttpStatus,
  IntegrationError,
  type IntegrationErrorCode,
  isIntegrationError,
  parseRetryAfter,
} from '../errors.js';
import { redactSecrets } from '../redact.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const MAX_DETAIL = 300;

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | null {
  return typeof value === 'object' && value !== null ? (value as Obj) : null;
}

function header(headers: unknown, name: string): string | undefined {
  const h = obj(headers);
  if (!h) return undefined;
  const getter = h.get;
  if (typeof getter === 'function') {
    const value: unknown = getter.call(h, name);
    if (typeof value === 'string') return value;
  }
  const value = h[name] ?? h[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Jira error bodies: `{errorMessages: string[], errors: {field: message}}`, or `{message}`. */
function detailFromBody(data: unknown): string {
  if (typeof data === 'string') return data;
  const body = obj(data);
  if (!body) return '';
  const parts: string[] = [];
  if (Array.isArray(body.errorMessages)) parts.push(...body.errorMessages.filter((m) => typeof m === 'string'));
  const errors = obj(body.errors);
  if (errors) {
    for (const [field, message] of Object.entries(errors)) {
      if (typeof message === 'string') parts.push(`${field}: ${message}`);
    }
  }
  if (parts.length === 0 && typeof body.message === 'string') parts.push(body.message);
  return parts.join('; ');
}

function truncate(value: string): string {
  return value.length > MAX_DETAIL ? `${value.slice(0, MAX_DETAIL)}…` : value;
}

/**
 * Converts an error from a jira.js call into an `IntegrationError` (system `jira`): HTTP status →
 * code via `codeForHttpStatus`, `Retry-After` → `retryAfterMs`, connection failures → `network`,
 * axios timeouts → `timeout`, cancellation → `aborted`. `IntegrationError`s pass through.
 * Secrets are removed from the message; the library error is not kept as `cause` because it
 * carries the request's Authorization header. Pure; never throws.
 */
export function toJiraError(err: unknown, operation: string, secrets: readonly string[]): IntegrationError {
  if (isIntegrationError(err)) return err;
  const e = obj(err) ?? {};
  const cause = obj(e.cause);
  // jira.js wraps an axios error that has a response into HttpException (axios error as `cause`);
  // network failures arrive as the bare axios error without a response.
  const response = obj(obj(cause?.response) ? cause?.response : e.response);
  const status = typeof response?.status === 'number' ? response.status : undefined;
  const clean = (text: string) => truncate(redactSecrets(text, secrets));

  if (status !== undefined && response) {
    const detail = clean(detailFromBody(response.data) || String(e.message ?? ''));
    const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'));
    return new IntegrationError(
      codeForHttpStatus(status),
      `Jira ${operation} failed with HTTP ${status}${detail ? `: ${detail}` : ''}`,
      { status, system: 'jira', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }

  const code = typeof e.code === 'string' ? e.code : typeof cause?.code === 'string' ? cause.code : '';
  const message = clean(typeof e.message === 'string' ? e.message : String(err));
  let mapped: IntegrationErrorCode = 'invalid_response';
  if (code === 'ERR_CANCELED' || e.name === 'AbortError' || e.name === 'CanceledError') mapped = 'aborted';
  else if (TIMEOUT_CODES.has(code)) mapped = 'timeout';
  else if (NETWORK_CODES.has(code)) mapped = 'network';
  return new IntegrationError(mapped, `Jira ${operation} failed: ${code ? `${code} ` : ''}${message}`, {
    system: 'jira',
  });
}
