/**
 * Names failures for logs and metrics without leaking messages: which outside system failed and
 * with what kind of error (`unauthorized`, `rate_limited`, `unavailable` …).
 */
import { isIntegrationError } from '@khitomer/integrations';
import { PlanningError } from '../planning/planner.js';
import { TemporalUnavailableError } from '../temporal/run-errors.js';
import { RepositoryFieldNotFoundError } from './repository-field.js';

/** A failure, classified. */
export interface FailureReason {
  /** `jira`, `github`, `llm`, `temporal` or `leader` (a bug or an unexpected error). */
  system: string;
  /** The error code, e.g. `unauthorized`, `rate_limited`, `network`, `field_not_found`. */
  code: string;
  /** Server-requested wait before retrying (Retry-After), in ms. */
  retryAfterMs?: number;
}

/** Classifies `err`. Pure; never throws. */
export function failureReason(err: unknown): FailureReason {
  if (isIntegrationError(err)) {
    return {
      system: err.system ?? 'unknown',
      code: err.code,
      ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
    };
  }
  if (err instanceof TemporalUnavailableError) return { system: 'temporal', code: 'unavailable' };
  if (err instanceof RepositoryFieldNotFoundError) return { system: 'jira', code: 'field_not_found' };
  if (err instanceof PlanningError) return { system: 'llm', code: err.code };
  return { system: 'leader', code: 'unexpected' };
}

/** The message of `err` for a log line (adapters' messages never contain secrets). Pure. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
