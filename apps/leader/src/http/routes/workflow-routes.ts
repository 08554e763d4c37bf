/**
 * `/api/v1/workflows…` (PRODUCT.md §8): start, status, cancel, approve and reject a run. Each
 * route has one schema that validates, types and documents it; the handlers only translate to
 * the {@link WorkflowService}. Service errors propagate to the app's error handler.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  approvePlanBodySchema,
  cancelRunResponseSchema,
  planDecisionResponseSchema,
  rejectPlanBodySchema,
  runViewSchema,
  startWorkflowRequestSchema,
  startWorkflowResponseSchema,
  workflowIdParamsSchema,
} from '../../api-schemas/index.js';
import type { WorkflowService } from '../../service/types.js';
import { errorResponses } from '../api-error.js';

/** Options of {@link workflowRoutes}. */
export interface WorkflowRoutesOptions {
  service: WorkflowService;
}

const TAGS = ['workflows'];

const startRoute = {
  tags: TAGS,
  summary: 'Fetch the Jira ticket, plan it and start a run',
  body: startWorkflowRequestSchema,
  response: {
    201: startWorkflowResponseSchema.describe('Run started'),
    ...errorResponses(400, 401, 409, 413, 415, 500, 503),
  },
};

const statusRoute = {
  tags: TAGS,
  summary: "A run's status, read from Temporal",
  params: workflowIdParamsSchema,
  response: { 200: runViewSchema.describe('Run status'), ...errorResponses(400, 401, 404, 500, 503) },
};

const cancelRoute = {
  tags: TAGS,
  summary: 'Request cancellation of a run',
  params: workflowIdParamsSchema,
  response: {
    202: cancelRunResponseSchema.describe('Cancellation requested'),
    ...errorResponses(400, 401, 404, 409, 500, 503),
  },
};

const approveRoute = {
  tags: TAGS,
  summary: 'Approve the plan of a run waiting for approval',
  params: workflowIdParamsSchema,
  body: approvePlanBodySchema,
  response: {
    200: planDecisionResponseSchema.describe('Plan approved'),
    ...errorResponses(400, 401, 404, 409, 413, 415, 500, 503),
  },
};

const rejectRoute = {
  tags: TAGS,
  summary: 'Reject the plan of a run waiting for approval (ends the run)',
  params: workflowIdParamsSchema,
  body: rejectPlanBodySchema,
  response: {
    200: planDecisionResponseSchema.describe('Plan rejected'),
    ...errorResponses(400, 401, 404, 409, 413, 415, 500, 503),
  },
};

/** Registers the workflow routes. */
export const workflowRoutes: FastifyPluginAsyncZod<WorkflowRoutesOptions> = async (app, { service }) => {
  app.post('/api/v1/workflows', { schema: startRoute }, async (request, reply) => {
    const started = await service.start(request.body);
    return reply.code(201).send(started);
  });

  app.get('/api/v1/workflows/:id', { schema: statusRoute }, async (request, reply) => {
    return reply.code(200).send(await service.get(request.params.id));
  });

  app.delete('/api/v1/workflows/:id', { schema: cancelRoute }, async (request, reply) => {
    return reply.code(202).send(await service.cancel(request.params.id));
  });

  app.post('/api/v1/workflows/:id/approve', { schema: approveRoute }, async (request, reply) => {
    return reply.code(200).send(await service.approve(request.params.id));
  });

  app.post('/api/v1/workflows/:id/reject', { schema: rejectRoute }, async (request, reply) => {
    return reply.code(200).send(await service.reject(request.params.id, request.body.reason));
  });
};
