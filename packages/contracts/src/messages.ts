/**
 * Signals and queries of `ImplementationWorkflow`. Their names are permanent once shipped.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { WorkflowStatus } from './workflow-types.js';

/** Workflow type name; permanent. */
export const IMPLEMENTATION_WORKFLOW_TYPE = 'ImplementationWorkflow';

/** Approves the plan of a run waiting for approval (PLAN_APPROVAL=required). Idempotent. */
export const approvePlanSignal = defineSignal<[]>('approvePlan');

/** Rejects the plan; the run ends with a Jira comment quoting the reason. */
export const rejectPlanSignal = defineSignal<[{ reason: string }]>('rejectPlan');

/** Current status of a run (PRODUCT.md §5.2). */
export const statusQuery = defineQuery<WorkflowStatus>('status');
