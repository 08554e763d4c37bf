/**
 * Response schemas of the REST façade (they drive serialisation and the OpenAPI document). They
 * mirror the {@link WorkflowService} shapes; the compile-time checks at the bottom keep the two
 * in step.
 */
import { z } from 'zod';
import type {
  CancelRunResponse,
  PlanDecisionResponse,
  ProcessedTasksPage,
  RunStatus,
  RunView,
  StartRunResponse,
} from '../service/types.js';

/** Every status a run can report (Temporal's workflow execution statuses). */
export const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'] as const;

/** A run's status. */
export const runStatusSchema = z.enum(RUN_STATUSES).describe('Temporal workflow execution status');

const isoTimestamp = z.string().describe('ISO 8601 timestamp');

/** 201 answer of `POST /api/v1/workflows`. */
export const startWorkflowResponseSchema = z.object({
  workflow_id: z.string(),
  run_id: z.string(),
  status: runStatusSchema,
});

/** 200 answer of `GET /api/v1/workflows/{id}`. */
export const runViewSchema = z.object({
  workflow_id: z.string(),
  run_id: z.string(),
  status: runStatusSchema,
  jira_ticket_id: z.string(),
  repository: z.string().describe('owner/name'),
  stage: z.string().describe("Stage reported by the workflow's status query"),
  pull_request_url: z.string().nullable().describe('null until a pull request is open'),
  tokens_used: z.number().int().nonnegative(),
  error: z.string().nullable().describe('null unless the run failed'),
  started_at: isoTimestamp,
  closed_at: isoTimestamp.nullable().describe('ISO 8601 timestamp; null while the run is open'),
});

/** 202 answer of `DELETE /api/v1/workflows/{id}`. */
export const cancelRunResponseSchema = z.object({
  workflow_id: z.string(),
  status: z.literal('CANCEL_REQUESTED'),
});

/** 200 answer of `POST /api/v1/workflows/{id}/approve` and `/reject`. */
export const planDecisionResponseSchema = z.object({
  workflow_id: z.string(),
  status: z.enum(['APPROVED', 'REJECTED']),
});

/** One entry of the processed-tasks list. */
export const processedTaskSchema = z.object({
  workflow_id: z.string(),
  run_id: z.string(),
  jira_ticket_id: z.string(),
  repository: z.string().describe('owner/name'),
  status: runStatusSchema,
  started_at: isoTimestamp,
  closed_at: isoTimestamp.nullable().describe('ISO 8601 timestamp; null while the run is open'),
});

/** 200 answer of `GET /api/v1/tasks`. */
export const processedTasksPageSchema = z.object({
  tasks: z.array(processedTaskSchema),
  next_page_token: z.string().describe('Empty when there is no further page'),
});

/** 200 answer of `GET /ready`. */
export const readyResponseSchema = z.object({
  status: z.literal('ready'),
  temporal: z.boolean(),
  jira: z.boolean(),
});

/** 200 answer of `GET /health`. */
export const healthResponseSchema = z.object({ status: z.literal('ok') });

// Compile-time: the schemas describe exactly the service's shapes (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchService: [
  Same<z.infer<typeof runStatusSchema>, RunStatus>,
  Same<z.infer<typeof startWorkflowResponseSchema>, StartRunResponse>,
  Same<z.infer<typeof runViewSchema>, RunView>,
  Same<z.infer<typeof cancelRunResponseSchema>, CancelRunResponse>,
  Same<z.infer<typeof planDecisionResponseSchema>, PlanDecisionResponse>,
  Same<z.infer<typeof processedTasksPageSchema>, ProcessedTasksPage>,
] = [true, true, true, true, true, true];
void schemasMatchService;
