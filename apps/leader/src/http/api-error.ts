/**
 * The REST error shape (PRODUCT.md §8): `{error: {code, message, details?}}` with its zod schema
 * for the OpenAPI document, and the statuses each error code answers with.
 */
import { z } from 'zod';
import type { ServiceErrorCode } from '../service/types.js';

/** Machine-readable error codes of the REST API. */
export type ApiErrorCode =
  | ServiceErrorCode
  | 'unauthenticated'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal';

/** One error answer: HTTP status and the envelope's content. */
export interface ApiError {
  status: number;
  code: ApiErrorCode;
  /** Safe to show to callers: never a stack, never a secret. */
  message: string;
  details?: Record<string, unknown>;
}

/** HTTP status of each {@link ServiceErrorCode}. */
export const SERVICE_ERROR_STATUS: Readonly<Record<ServiceErrorCode, number>> = {
  invalid_argument: 400,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 409,
  unavailable: 503,
};

/** Schema of every error body. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().describe('invalid_argument, unauthenticated, not_found, already_exists, …'),
      message: z.string().describe('Human-readable; names the offending field for 400'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe('Error');

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input; the message names the field',
  401: 'Missing or wrong bearer token',
  404: 'No such workflow',
  409: 'Conflicts with the run state (details carry the open run id)',
  413: 'Body too large',
  415: 'Content type is not application/json',
  500: 'Internal error',
  503: 'Temporal or Jira unreachable',
};

/** Response schemas for the given error statuses, for a route's `schema.response`. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorEnvelopeSchema> {
  const responses: Record<number, typeof errorEnvelopeSchema> = {};
  for (const status of statuses) {
    responses[status] = errorEnvelopeSchema.describe(DESCRIPTIONS[status] ?? 'Error');
  }
  return responses;
}

/** The envelope for `error`. */
export function errorBody(error: ApiError): z.infer<typeof errorEnvelopeSchema> {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}
