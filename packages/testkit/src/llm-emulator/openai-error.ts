import type http from 'node:http';
import { sendJson } from '../emulator-support/index.js';

/**
 * An error answered in OpenAI's shape `{error: {message, type, param, code}}`.
 * See https://platform.openai.com/docs/guides/error-codes and
 * https://platform.openai.com/docs/api-reference/introduction (error object).
 */
export class OpenAiApiError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
    /** OpenAI's `error.type`, e.g. `invalid_request_error`. */
    readonly type: string,
    /** The request parameter at fault, e.g. `messages.[2].role`. */
    readonly param: string | null = null,
    /** OpenAI's `error.code`, e.g. `invalid_api_key`. */
    readonly code: string | null = null,
    /** Extra response headers (e.g. `retry-after`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAiApiError';
  }

  /** The JSON body OpenAI sends for this error. */
  toBody(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 `invalid_request_error`. Never retried by clients. */
export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiApiError {
  return new OpenAiApiError(400, message, 'invalid_request_error', param, code);
}

/**
 * A 500 caused by a wrong test script (unknown tool, structured answer not matching the schema, …).
 * Sent with `x-should-retry: false` so the openai client fails at once instead of retrying a bug.
 */
export function scenarioBug(message: string): OpenAiApiError {
  return new OpenAiApiError(500, `scenario bug: ${message}`, 'emulator_scenario_bug', null, 'scenario_bug', {
    'x-should-retry': 'false',
  });
}

/**
 * OpenAI's usual body for an error status (messages from
 * https://platform.openai.com/docs/guides/error-codes).
 */
export function errorForStatus(status: number, message?: string, retryAfterSeconds?: number): OpenAiApiError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  if (status === 429) {
    return new OpenAiApiError(
      429,
      message ?? 'Rate limit reached for requests. Please try again later.',
      'requests',
      null,
      'rate_limit_exceeded',
      headers,
    );
  }
  if (status === 503) {
    return new OpenAiApiError(
      503,
      message ?? 'The engine is currently overloaded, please try again later.',
      'server_error',
      null,
      null,
      headers,
    );
  }
  if (status === 502) {
    return new OpenAiApiError(502, message ?? 'Bad gateway.', 'server_error', null, null, headers);
  }
  if (status >= 500) {
    return new OpenAiApiError(
      status,
      message ?? 'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
      null,
      headers,
    );
  }
  return new OpenAiApiError(
    status,
    message ?? `request failed with status ${status}`,
    'invalid_request_error',
    null,
    null,
    headers,
  );
}

/** Sends `error` as OpenAI does: JSON body and its headers. */
export function sendOpenAiError(res: http.ServerResponse, error: OpenAiApiError): void {
  sendJson(res, error.status, error.toBody(), error.headers);
}
