/**
 * Request schemas of both façades (PRODUCT.md §8/§9). Objects are strict: an unknown field is an
 * error that names it. REST and gRPC compose the same field schemas; only the envelope differs
 * (a REST path parameter `id` is the gRPC field `workflow_id`).
 */
import { z } from 'zod';
import {
  baseBranchSchema,
  forceSchema,
  jiraTicketIdSchema,
  pageTokenSchema,
  rejectionReasonSchema,
  repositoryNameSchema,
  repositoryOwnerSchema,
  tasksLimitSchema,
  workflowIdSchema,
} from './field-schemas.js';

/** A request without a body reaches validation as `null`: that is a missing body, too. */
const objectError = {
  error: (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== 'invalid_type') return undefined;
    return issue.input === undefined || issue.input === null ? 'is required' : 'must be a JSON object';
  },
};

/** Body of `POST /api/v1/workflows`, and gRPC `StartWorkflowRequest`. */
export const startWorkflowRequestSchema = z.strictObject(
  {
    jira_ticket_id: jiraTicketIdSchema,
    repository_owner: repositoryOwnerSchema,
    repository_name: repositoryNameSchema,
    base_branch: baseBranchSchema.optional(),
    force: forceSchema.optional(),
  },
  objectError,
);

/** Path parameters of `/api/v1/workflows/{id}…`. */
export const workflowIdParamsSchema = z.strictObject({ id: workflowIdSchema }, objectError);

/** gRPC requests that name one workflow (`GetWorkflowStatus`, `CancelWorkflow`, `ApprovePlan`). */
export const workflowReferenceSchema = z.strictObject({ workflow_id: workflowIdSchema }, objectError);

/** Body of `POST /api/v1/workflows/{id}/reject`. */
export const rejectPlanBodySchema = z.strictObject({ reason: rejectionReasonSchema }, objectError);

/** gRPC `RejectPlanRequest`. */
export const rejectPlanMessageSchema = z.strictObject(
  { workflow_id: workflowIdSchema, reason: rejectionReasonSchema },
  objectError,
);

/**
 * Body of `POST /api/v1/workflows/{id}/approve`: approval takes no input, so the body is absent
 * or an empty object (strict, so a misplaced field such as `reason` is reported, not ignored).
 */
export const approvePlanBodySchema = z
  .strictObject({}, objectError)
  .nullish()
  .describe('No input: send no body, or {}');

/** Query of `GET /api/v1/tasks`, and gRPC `GetProcessedTasksRequest`. */
export const listTasksQuerySchema = z.strictObject(
  { limit: tasksLimitSchema.optional(), page_token: pageTokenSchema.optional() },
  objectError,
);
