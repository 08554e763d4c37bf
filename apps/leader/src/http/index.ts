/**
 * REST façade of the leader (PRODUCT.md §8): {@link createRestApp} builds the Fastify app over a
 * {@link WorkflowService}; the caller decides where it listens.
 */
export type { ApiError, ApiErrorCode } from './api-error.js';
export { createRestApp, DEFAULT_BODY_LIMIT_BYTES, type RestAppOptions } from './app.js';
export { DOCS_PREFIX } from './openapi.js';
