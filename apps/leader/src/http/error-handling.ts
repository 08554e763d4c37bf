/**
 * Every REST error answer goes through here: the envelope, the error counter, and the app-wide
 * error and not-found handlers. Unexpected errors are logged and answered with a generic 500
 * that carries no details and no stack.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiErrorRecorder } from '../api-schemas/index.js';
import { type ApiError, errorBody } from './api-error.js';
import { toApiError } from './to-api-error.js';

/** Sends `error` as the REST error envelope and counts it. */
export type ErrorReplier = (reply: FastifyReply, error: ApiError) => FastifyReply;

/** The answer to anything unexpected. */
export const INTERNAL_ERROR: ApiError = { status: 500, code: 'internal', message: 'internal error' };

/** Creates the {@link ErrorReplier} that counts into `record`. */
export function createErrorReplier(record: ApiErrorRecorder): ErrorReplier {
  return (reply, error) => {
    record(error.code);
    if (error.status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.code(error.status).type('application/json; charset=utf-8').send(errorBody(error));
  };
}

/**
 * Handler for the errors Fastify raises before routing (malformed URL encoding, constraint
 * failures), which bypass the error handler; pass it as the `frameworkErrors` option.
 */
export function createFrameworkErrorHandler(
  replyError: ErrorReplier,
  bodyLimitBytes: number,
): (error: unknown, request: unknown, reply: FastifyReply) => void {
  return (error, _request, reply) => {
    replyError(reply, toApiError(error, bodyLimitBytes) ?? INTERNAL_ERROR);
  };
}

/** Options of {@link installErrorHandling}. */
export interface ErrorHandlingOptions {
  replyError: ErrorReplier;
  /** Named in the 413 message. */
  bodyLimitBytes: number;
}

/**
 * Installs the error handler and the not-found handler on the root instance (so they cover
 * every route plugin). Must run before the route plugins are registered.
 */
export function installErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  const { replyError, bodyLimitBytes } = options;
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error, bodyLimitBytes);
    if (apiError === undefined) {
      request.log.error({ err: error }, 'request failed');
      return replyError(reply, INTERNAL_ERROR);
    }
    if (apiError.status >= 500) request.log.warn({ code: apiError.code, message: apiError.message }, 'request failed');
    return replyError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return replyError(reply, { status: 404, code: 'not_found', message: `no route ${request.method} ${path}` });
  });
}
