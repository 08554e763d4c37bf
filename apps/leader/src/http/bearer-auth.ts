/**
 * `onRequest` hook that requires `Authorization: Bearer <API_TOKEN>` (PRODUCT.md §3, §8). It
 * runs before the body is read, so an unauthenticated caller cannot make the leader parse a body.
 */
import type { onRequestHookHandler } from 'fastify';
import { createBearerTokenCheck } from '../api-schemas/index.js';
import type { ErrorReplier } from './error-handling.js';

/**
 * Returns the hook for `apiToken`; a missing or wrong token is answered 401 `unauthenticated`
 * (the token itself is never logged or echoed).
 */
export function createBearerAuthHook(apiToken: string, replyError: ErrorReplier): onRequestHookHandler {
  const isAuthorized = createBearerTokenCheck(apiToken);
  return (request, reply, done) => {
    if (isAuthorized(request.headers.authorization)) {
      done();
      return;
    }
    const message = request.headers.authorization === undefined ? 'missing bearer token' : 'invalid bearer token';
    replyError(reply, { status: 401, code: 'unauthenticated', message });
  };
}
