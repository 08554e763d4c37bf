/**
 * Response messages of `proto/leader.proto` as plain objects, and their translation from the
 * {@link WorkflowService} shapes: the fields are the same, except that REST's `null` is an absent
 * `optional` field in protobuf.
 */
import type { ProcessedTask, ProcessedTasksPage, RunView } from '../service/types.js';

/** `khitomer.v1.WorkflowStatus`. */
export interface WorkflowStatusMessage {
  workflow_id: string;
  run_id: string;
  status: string;
  jira_ticket_id: string;
  repository: string;
  stage: string;
  pull_request_url?: string;
  tokens_used: number;
  error?: string;
  started_at: string;
  closed_at?: string;
}

/** `khitomer.v1.ProcessedTask`. */
export interface ProcessedTaskMessage {
  workflow_id: string;
  run_id: string;
  jira_ticket_id: string;
  repository: string;
  status: string;
  started_at: string;
  closed_at?: string;
}

/** `khitomer.v1.GetProcessedTasksResponse`. */
export interface ProcessedTasksMessage {
  tasks: ProcessedTaskMessage[];
  next_page_token: string;
}

function present<K extends string>(key: K, value: string | null): { [P in K]?: string } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: string };
}

/** {@link RunView} → `WorkflowStatus`. Pure. */
export function toWorkflowStatusMessage(view: RunView): WorkflowStatusMessage {
  return {
    workflow_id: view.workflow_id,
    run_id: view.run_id,
    status: view.status,
    jira_ticket_id: view.jira_ticket_id,
    repository: view.repository,
    stage: view.stage,
    tokens_used: view.tokens_used,
    started_at: view.started_at,
    ...present('pull_request_url', view.pull_request_url),
    ...present('error', view.error),
    ...present('closed_at', view.closed_at),
  };
}

/** {@link ProcessedTask} → `ProcessedTask`. Pure. */
export function toProcessedTaskMessage(task: ProcessedTask): ProcessedTaskMessage {
  return {
    workflow_id: task.workflow_id,
    run_id: task.run_id,
    jira_ticket_id: task.jira_ticket_id,
    repository: task.repository,
    status: task.status,
    started_at: task.started_at,
    ...present('closed_at', task.closed_at),
  };
}

/** {@link ProcessedTasksPage} → `GetProcessedTasksResponse`. Pure. */
export function toProcessedTasksMessage(page: ProcessedTasksPage): ProcessedTasksMessage {
  return { tasks: page.tasks.map(toProcessedTaskMessage), next_page_token: page.next_page_token };
}
