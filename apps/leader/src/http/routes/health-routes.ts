/**
 * `GET /health`: liveness. Public (never requires the token) and touches no dependency, so an
 * orchestrator restarts the leader only when the process itself is stuck.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema } from '../../api-schemas/index.js';

const healthRoute = {
  tags: ['operations'],
  summary: 'Liveness (no auth)',
  security: [],
  response: { 200: healthResponseSchema.describe('The process is alive') },
};

/** Registers `GET /health`. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', { schema: healthRoute }, async (_request, reply) => reply.code(200).send({ status: 'ok' }));
};
