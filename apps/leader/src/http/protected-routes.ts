/**
 * The encapsulated context of every route that needs the API token: the workflow and task API,
 * `/ready`, `/metrics` and the docs. The bearer hook is added here, so it covers exactly these
 * routes (Fastify encapsulation) and never `/health`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { WorkflowService } from '../service/types.js';
import { createBearerAuthHook } from './bearer-auth.js';
import type { ErrorReplier } from './error-handling.js';
import { docsRoutes } from './openapi.js';
import { operationsRoutes } from './routes/operations-routes.js';
import { taskRoutes } from './routes/task-routes.js';
import { workflowRoutes } from './routes/workflow-routes.js';

/** Options of {@link protectedRoutes}. */
export interface ProtectedRoutesOptions {
  service: WorkflowService;
  metricsRegistry: Registry;
  /** When set, every route here requires `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined;
  replyError: ErrorReplier;
}

/** Registers the token-protected routes. */
export const protectedRoutes: FastifyPluginAsync<ProtectedRoutesOptions> = async (app, options) => {
  const { service, metricsRegistry, apiToken, replyError } = options;
  if (apiToken !== undefined) app.addHook('onRequest', createBearerAuthHook(apiToken, replyError));
  await app.register(workflowRoutes, { service });
  await app.register(taskRoutes, { service });
  await app.register(operationsRoutes, { service, metricsRegistry });
  await app.register(docsRoutes);
};
