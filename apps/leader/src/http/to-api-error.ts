/**
 * The one mapping from whatever a request hit (schema violation, body parser failure, service
 * error) to a documented REST error. Anything unrecognised is left to the caller as a generic 500.
 */
import { describeIssues, type IssueLike } from '../api-schemas/index.js';
import { ServiceError } from '../service/types.js';
import { type ApiError, SERVICE_ERROR_STATUS } from './api-error.js';

/** The fields of a Fastify error this module reads. */
interface FastifyErrorLike {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  validationContext?: unknown;
  message?: unknown;
}

/** A validation entry as fastify-type-provider-zod reports it (a zod issue in Ajv's clothes). */
interface ValidationEntry {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: { keys?: unknown };
}

const ROOT_NAMES: Readonly<Record<string, string>> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'headers',
};

function isValidationEntry(value: unknown): value is ValidationEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.keyword === 'string' && typeof entry.instancePath === 'string';
}

function toIssue(entry: ValidationEntry): IssueLike {
  const keys = entry.params?.keys;
  return {
    code: entry.keyword,
    path: entry.instancePath.split('/').filter((part) => part.length > 0),
    message: entry.message ?? 'is invalid',
    ...(Array.isArray(keys) ? { keys: keys.map(String) } : {}),
  };
}

function validationError(validation: unknown[], context: unknown): ApiError {
  const root = ROOT_NAMES[String(context)] ?? 'request';
  const report = describeIssues(validation.filter(isValidationEntry).map(toIssue), root);
  return { status: 400, code: 'invalid_argument', message: report.message, details: { fields: report.problems } };
}

function fastifyError(error: FastifyErrorLike, bodyLimitBytes: number): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: `request body exceeds ${bodyLimitBytes} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'content-type must be application/json' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_argument', message: 'body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: 'invalid_argument', message: 'content-length does not match the body' };
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 0;
  // Other client errors raised by Fastify itself (bad URL encoding, …): its messages are fixed
  // texts, safe to pass on.
  if (typeof error.code === 'string' && error.code.startsWith('FST_') && status >= 400 && status < 500) {
    return {
      status,
      code: status === 404 ? 'not_found' : 'invalid_argument',
      message: typeof error.message === 'string' ? error.message : 'bad request',
    };
  }
  return undefined;
}

/**
 * Maps `error` to the documented REST error, or `undefined` when it is unexpected (the caller
 * answers a generic 500 and logs it). `bodyLimitBytes` goes into the 413 message. Never throws.
 */
export function toApiError(error: unknown, bodyLimitBytes: number): ApiError | undefined {
  if (error instanceof ServiceError) {
    const status = SERVICE_ERROR_STATUS[error.code] as number | undefined;
    if (status === undefined) return undefined;
    return {
      status,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as FastifyErrorLike;
  if (Array.isArray(candidate.validation)) return validationError(candidate.validation, candidate.validationContext);
  return fastifyError(candidate, bodyLimitBytes);
}
