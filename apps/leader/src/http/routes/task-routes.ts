/**
 * `GET /api/v1/tasks?limit=&page_token=` (PRODUCT.md §4.5, §8): processed tasks from Temporal
 * visibility, one page at a time.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { API_LIMITS, listTasksQuerySchema, processedTasksPageSchema } from '../../api-schemas/index.js';
import type { WorkflowService } from '../../service/types.js';
import { errorResponses } from '../api-error.js';

/** Options of {@link taskRoutes}. */
export interface TaskRoutesOptions {
  service: WorkflowService;
}

const listRoute = {
  tags: ['tasks'],
  summary: 'Processed tasks (runs the leader started), from Temporal visibility',
  querystring: listTasksQuerySchema,
  response: { 200: processedTasksPageSchema.describe('One page of tasks'), ...errorResponses(400, 401, 500, 503) },
};

/** Registers the processed-tasks route. */
export const taskRoutes: FastifyPluginAsyncZod<TaskRoutesOptions> = async (app, { service }) => {
  app.get('/api/v1/tasks', { schema: listRoute }, async (request, reply) => {
    const { limit, page_token: pageToken } = request.query;
    const page = await service.listTasks({
      limit: limit ?? API_LIMITS.defaultTasksPage,
      ...(pageToken === undefined ? {} : { pageToken }),
    });
    return reply.code(200).send(page);
  });
};
