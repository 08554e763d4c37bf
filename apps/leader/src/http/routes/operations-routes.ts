/**
 * `GET /ready` (Temporal and Jira reachable, PRODUCT.md §8) and `GET /metrics` (Prometheus text,
 * PRODUCT.md §10). Both sit behind the API token when one is configured.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { readyResponseSchema } from '../../api-schemas/index.js';
import { type Readiness, ServiceError, type WorkflowService } from '../../service/types.js';
import { errorResponses } from '../api-error.js';

/** Options of {@link operationsRoutes}. */
export interface OperationsRoutesOptions {
  service: WorkflowService;
  metricsRegistry: Registry;
}

const readyRoute = {
  tags: ['operations'],
  summary: 'Readiness: Temporal and Jira reachable',
  response: {
    200: readyResponseSchema.describe('Ready'),
    ...errorResponses(401, 500),
    503: errorResponses(503)[503]!.describe('Not ready; details say which dependency is down'),
  },
};

const metricsRoute = {
  tags: ['operations'],
  summary: 'Prometheus metrics (text exposition format)',
  response: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
    ...errorResponses(401, 500),
  },
};

async function checkReadiness(service: WorkflowService): Promise<Readiness> {
  try {
    return await service.readiness();
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    // A readiness probe that cannot even ask means "not ready", not a leader bug.
    throw new ServiceError('unavailable', 'readiness check failed');
  }
}

/** Registers `GET /ready` and `GET /metrics`. */
export const operationsRoutes: FastifyPluginAsyncZod<OperationsRoutesOptions> = async (
  app,
  { service, metricsRegistry },
) => {
  app.get('/ready', { schema: readyRoute }, async (_request, reply) => {
    const readiness = await checkReadiness(service);
    if (!readiness.temporal || !readiness.jira) {
      const down = [readiness.temporal ? [] : ['temporal'], readiness.jira ? [] : ['jira']].flat();
      throw new ServiceError('unavailable', `not ready: ${down.join(' and ')} unreachable`, {
        temporal: readiness.temporal,
        jira: readiness.jira,
      });
    }
    return reply.code(200).send({ status: 'ready', temporal: true, jira: true });
  });

  app.get('/metrics', { schema: metricsRoute }, async (_request, reply) => {
    const text = await metricsRegistry.metrics();
    return reply.code(200).type(metricsRegistry.contentType).send(text);
  });
};
