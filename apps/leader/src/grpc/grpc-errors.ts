/**
 * The one mapping from what a call hit to a gRPC status (PRODUCT.md §9): invalid input →
 * INVALID_ARGUMENT naming the field, {@link ServiceError} codes → their statuses, anything
 * else → INTERNAL with a fixed message and no details.
 */
import { Metadata, status } from '@grpc/grpc-js';
import { describeIssues, type IssueLike } from '../api-schemas/index.js';
import { ServiceError, type ServiceErrorCode } from '../service/types.js';

/** A status to end a call with, plus the error code the API error counter records. */
export interface GrpcError {
  code: status;
  details: string;
  metadata?: Metadata;
  /** Same vocabulary as the REST envelope's `code` (`invalid_argument`, `internal`, …). */
  apiCode: string;
}

/** gRPC status of each {@link ServiceErrorCode}. */
export const SERVICE_ERROR_GRPC_STATUS: Readonly<Record<ServiceErrorCode, status>> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  unavailable: status.UNAVAILABLE,
};

/** The answer to anything unexpected. */
export const INTERNAL_GRPC_ERROR: GrpcError = { code: status.INTERNAL, details: 'internal error', apiCode: 'internal' };

/** INVALID_ARGUMENT for schema issues of a request message; the message names every bad field. */
export function invalidArgument(issues: readonly IssueLike[]): GrpcError {
  return {
    code: status.INVALID_ARGUMENT,
    details: describeIssues(issues, 'request').message,
    apiCode: 'invalid_argument',
  };
}

/** INVALID_ARGUMENT for request bytes that are not a `typeName` message. */
export function undecodable(typeName: string): GrpcError {
  return {
    code: status.INVALID_ARGUMENT,
    details: `request is not a valid ${typeName} message`,
    apiCode: 'invalid_argument',
  };
}

function openRunMetadata(details: Record<string, unknown> | undefined): Metadata | undefined {
  if (details === undefined) return undefined;
  const metadata = new Metadata();
  for (const key of ['workflow_id', 'run_id'] as const) {
    const value = details[key];
    if (typeof value === 'string' && value.length > 0) metadata.set(key.replace('_', '-'), value);
  }
  return metadata;
}

/**
 * Maps `error` to the status the call ends with; `undefined` when it is unexpected (the caller
 * logs it and answers {@link INTERNAL_GRPC_ERROR}). ALREADY_EXISTS carries the open run's ids in
 * the message and in the trailers `workflow-id` / `run-id`. Never throws.
 */
export function toGrpcError(error: unknown): GrpcError | undefined {
  if (!(error instanceof ServiceError)) return undefined;
  const code = SERVICE_ERROR_GRPC_STATUS[error.code] as status | undefined;
  if (code === undefined) return undefined;
  if (error.code !== 'already_exists') return { code, details: error.message, apiCode: error.code };
  const workflowId = error.details?.workflow_id;
  const runId = error.details?.run_id;
  const ids = [
    typeof workflowId === 'string' ? `workflow_id=${workflowId}` : undefined,
    typeof runId === 'string' ? `run_id=${runId}` : undefined,
  ].filter((part) => part !== undefined);
  const metadata = openRunMetadata(error.details);
  return {
    code,
    details: ids.length > 0 ? `${error.message} (open run: ${ids.join(', ')})` : error.message,
    apiCode: error.code,
    ...(metadata === undefined ? {} : { metadata }),
  };
}
