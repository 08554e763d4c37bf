/**
 * The one mapping of errors at the activity boundary (STYLE.md "Errors"): adapter errors become
 * `ApplicationFailure`s the workflow can branch on by `type`.
 */
import { type FailureType, FailureTypes } from '@khitomer/contracts';
import { type IntegrationError, type IntegrationErrorCode, isIntegrationError } from '@khitomer/integrations';
import { ApplicationFailure } from '@temporalio/common';

/** Failure type of each non-retryable adapter error code. */
const NON_RETRYABLE_TYPES: Partial<Record<IntegrationErrorCode, FailureType>> = {
  bad_input: FailureTypes.InvalidInput,
  unauthorized: FailureTypes.Unauthorized,
  forbidden: FailureTypes.PermissionDenied,
  not_found: FailureTypes.NotFound,
  conflict: FailureTypes.Conflict,
};

function failureDetails(err: IntegrationError): Record<string, unknown> {
  return {
    code: err.code,
    ...(err.system ? { system: err.system } : {}),
    ...(err.status !== undefined ? { status: err.status } : {}),
  };
}

/**
 * Maps an error thrown inside an activity to what the activity should throw:
 * - `ApplicationFailure`s (already classified) and everything that is not an adapter error pass
 *   through unchanged (Temporal retries plain errors per the activity's retry policy);
 * - `IntegrationError` `bad_input` / `unauthorized` / `forbidden` / `not_found` / `conflict` →
 *   non-retryable `ApplicationFailure` typed `InvalidInput` / `Unauthorized` / `PermissionDenied`
 *   / `NotFound` / `Conflict`; `invalid_response` from the LLM → non-retryable
 *   `UnparseableModelOutput`;
 * - retryable codes (429, 5xx, network, timeout, other `invalid_response`) → retryable
 *   `ApplicationFailure` typed `Transient`, with `nextRetryDelay` = the server's Retry-After.
 * Never contains secrets (adapter messages never do). Pure; never throws.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || !isIntegrationError(err)) return err;
  const details = failureDetails(err);
  const message = err.system ? `${err.system}: ${err.message}` : err.message;
  if (err.code === 'invalid_response' && err.system === 'llm') {
    return ApplicationFailure.create({
      message,
      type: FailureTypes.UnparseableModelOutput,
      nonRetryable: true,
      details: [details],
    });
  }
  const type = NON_RETRYABLE_TYPES[err.code];
  if (type !== undefined) return ApplicationFailure.create({ message, type, nonRetryable: true, details: [details] });
  return ApplicationFailure.create({
    message,
    type: FailureTypes.Transient,
    nonRetryable: false,
    details: [details],
    ...(err.retryAfterMs !== undefined && err.retryAfterMs > 0 ? { nextRetryDelay: err.retryAfterMs } : {}),
  });
}

/** The `type` of a failure for metrics and logs (`Error` for anything untyped). Pure. */
export function failureTypeOf(err: unknown): string {
  if (err instanceof ApplicationFailure && err.type) return err.type;
  return err instanceof Error ? err.name : 'Error';
}
