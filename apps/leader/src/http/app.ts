/**
 * The REST façade's app factory (PRODUCT.md §8). It builds the Fastify instance — zod validation
 * and serialisation, error envelope, OpenAPI document, the public `/health` and the token-guarded
 * rest — but never listens: `leader.ts` calls `listen`, tests call `inject`.
 */

import type { Logger } from '@khitomer/observability';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { API_LIMITS, createApiErrorRecorder } from '../api-schemas/index.js';
import type { WorkflowService } from '../service/types.js';
import { createErrorReplier, createFrameworkErrorHandler, installErrorHandling } from './error-handling.js';
import { installJsonBodyParser } from './json-body-parser.js';
import { registerOpenApiDocument } from './openapi.js';
import { protectedRoutes } from './protected-routes.js';
import { healthRoutes } from './routes/health-routes.js';

/** Default largest accepted request body, in bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Options of {@link createRestApp}. */
export interface RestAppOptions {
  /** The application service the routes translate to. */
  service: WorkflowService;
  /**
   * API_TOKEN: when set, every route except `GET /health` (including `/ready`, `/metrics` and
   * the docs) requires `Authorization: Bearer <apiToken>`. Unset means no auth.
   */
  apiToken?: string | undefined;
  /** Parent logger; the app logs through a `component: 'rest'` child. */
  logger: Logger;
  /** Served at `/metrics`; also receives `khitomer_api_errors_total`. A private one when absent. */
  metricsRegistry?: Registry | undefined;
  /** Largest accepted request body in bytes (413 above it). Default {@link DEFAULT_BODY_LIMIT_BYTES}. */
  bodyLimitBytes?: number | undefined;
}

/**
 * Builds the REST app (not listening; call `listen` or `inject`). Plugins load on `ready()`,
 * which `listen` and `inject` call.
 * @throws TypeError when `apiToken` is the empty string (an empty token would lock every caller
 * out; leave it unset to disable auth) or `bodyLimitBytes` is not a positive integer.
 */
export function createRestApp(options: RestAppOptions): FastifyInstance {
  const { service, apiToken, logger } = options;
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (apiToken === '') throw new TypeError('apiToken must not be empty; leave it unset to disable auth');
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new TypeError('bodyLimitBytes must be a positive integer');
  }
  const metricsRegistry = options.metricsRegistry ?? new Registry();
  const replyError = createErrorReplier(createApiErrorRecorder(metricsRegistry, 'rest'));

  // Typed as Fastify's logger interface so the instance is a plain FastifyInstance.
  const restLogger: FastifyBaseLogger = logger.child({ component: 'rest' });
  const app = Fastify({
    loggerInstance: restLogger,
    bodyLimit: bodyLimitBytes,
    // Workflow ids travel in the path; allow the longest id the API accepts (percent-encoded).
    routerOptions: { maxParamLength: API_LIMITS.workflowIdChars * 3 },
    frameworkErrors: createFrameworkErrorHandler(replyError, bodyLimitBytes),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: anything else (text/plain included) is 415.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);

  installErrorHandling(app, { replyError, bodyLimitBytes });
  registerOpenApiDocument(app);
  void app.register(healthRoutes);
  void app.register(protectedRoutes, { service, metricsRegistry, apiToken, replyError });
  return app;
}
