/**
 * Errors of the Temporal gateway ({@link ImplementationRuns}) in the leader's own words, so the
 * poller and the application service never look at gRPC codes or SDK classes.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';

/** gRPC status codes that mean "the Temporal service could not be reached in time". */
const UNREACHABLE_GRPC_CODES: ReadonlySet<number> = new Set([
  4, // DEADLINE_EXCEEDED
  14, // UNAVAILABLE
]);

/** Temporal could not be reached (connection refused, deadline exceeded). Retryable later. */
export class TemporalUnavailableError extends Error {
  constructor(message = 'Temporal is unreachable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporalUnavailableError';
  }
}

/** No run with that workflow id (or run id) exists. Not retryable. */
export class RunNotFoundError extends Error {
  readonly workflowId: string;
  constructor(workflowId: string, options?: { cause?: unknown }) {
    super(`no run with workflow id ${workflowId}`, options);
    this.name = 'RunNotFoundError';
    this.workflowId = workflowId;
  }
}

/** A start lost the race: a run with that workflow id is already open. Not retryable. */
export class RunAlreadyStartedError extends Error {
  readonly workflowId: string;
  constructor(workflowId: string, options?: { cause?: unknown }) {
    super(`a run with workflow id ${workflowId} is already open`, options);
    this.name = 'RunAlreadyStartedError';
    this.workflowId = workflowId;
  }
}

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * True when `err` (or one of its causes) says Temporal is unreachable: gRPC UNAVAILABLE or
 * DEADLINE_EXCEEDED. Pure; never throws.
 */
export function isTemporalUnreachable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof TemporalUnavailableError) return true;
    const code = grpcCode(current);
    if (code !== undefined && UNREACHABLE_GRPC_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * Translates an SDK error of an operation on `workflowId` into the errors above; anything else
 * is returned unchanged. Pure; never throws (the caller throws the result).
 */
export function translateTemporalError(err: unknown, workflowId: string): unknown {
  if (err instanceof WorkflowNotFoundError) return new RunNotFoundError(workflowId, { cause: err });
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return new RunAlreadyStartedError(workflowId, { cause: err });
  if (isTemporalUnreachable(err)) return new TemporalUnavailableError('Temporal is unreachable', { cause: err });
  return err;
}

/** A visibility listing Temporal refused (e.g. a page token it did not issue). Not retryable. */
export class InvalidRunListRequestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidRunListRequestError';
  }
}
