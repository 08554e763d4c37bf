/**
 * The application service under both façades (REST and gRPC): they only translate to and from
 * these shapes. Field names are the contract's (PRODUCT.md §8/§9, snake_case).
 */

/** Temporal's workflow status names, as the façades report them. */
export type RunStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT';

/** `POST /api/v1/workflows` / gRPC StartWorkflow. */
export interface StartRunRequest {
  jira_ticket_id: string;
  repository_owner: string;
  repository_name: string;
  base_branch?: string;
  /** Start a new run although a previous run of the ticket closed. Never overrides an open run. */
  force?: boolean;
}

/** Answer of a start. */
export interface StartRunResponse {
  workflow_id: string;
  run_id: string;
  status: RunStatus;
}

/** `GET /api/v1/workflows/{id}` / gRPC GetWorkflowStatus. */
export interface RunView {
  workflow_id: string;
  run_id: string;
  status: RunStatus;
  jira_ticket_id: string;
  /** `owner/name`. */
  repository: string;
  /** Stage from the workflow's `status` query (or the last known stage once closed). */
  stage: string;
  pull_request_url: string | null;
  tokens_used: number;
  error: string | null;
  /** ISO 8601. */
  started_at: string;
  /** ISO 8601, null while running. */
  closed_at: string | null;
}

/** Answer of a cancel. */
export interface CancelRunResponse {
  workflow_id: string;
  status: 'CANCEL_REQUESTED';
}

/** Answer of approve / reject. */
export interface PlanDecisionResponse {
  workflow_id: string;
  status: 'APPROVED' | 'REJECTED';
}

/** One processed task (from Temporal visibility). */
export interface ProcessedTask {
  workflow_id: string;
  run_id: string;
  jira_ticket_id: string;
  repository: string;
  status: RunStatus;
  started_at: string;
  closed_at: string | null;
}

/** A page of processed tasks. */
export interface ProcessedTasksPage {
  tasks: ProcessedTask[];
  /** Empty string when there is no further page. */
  next_page_token: string;
}

/** Readiness of the leader's dependencies. */
export interface Readiness {
  temporal: boolean;
  jira: boolean;
}

/** What kind of failure a service call hit; façades map these to HTTP / gRPC status codes. */
export type ServiceErrorCode =
  /** 400 / INVALID_ARGUMENT. */
  | 'invalid_argument'
  /** 404 / NOT_FOUND. */
  | 'not_found'
  /** 409 / ALREADY_EXISTS (an open run exists; `details.workflow_id`, `details.run_id`). */
  | 'already_exists'
  /** 409 / FAILED_PRECONDITION (e.g. cancel of a closed run, approve when not waiting). */
  | 'failed_precondition'
  /** 503 / UNAVAILABLE (Temporal or Jira unreachable). */
  | 'unavailable';

/** Error thrown by {@link WorkflowService}; `message` is safe to show to API callers. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ServiceErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.details = details;
  }
}

/**
 * Start, inspect, cancel, approve/reject and list runs. Reads state from Temporal every time
 * (describe + `status` query, visibility) — never from a cache. Throws {@link ServiceError};
 * anything else is a bug and maps to a generic 500/INTERNAL.
 */
export interface WorkflowService {
  /** Fetches the ticket from Jira, plans it, starts `ImplementationWorkflow`. */
  start(request: StartRunRequest): Promise<StartRunResponse>;
  get(workflowId: string): Promise<RunView>;
  /** Requests cancellation; the run ends CANCELED within seconds. */
  cancel(workflowId: string): Promise<CancelRunResponse>;
  /** Sends `approvePlan`. */
  approve(workflowId: string): Promise<PlanDecisionResponse>;
  /** Sends `rejectPlan` with the reason. */
  reject(workflowId: string, reason: string): Promise<PlanDecisionResponse>;
  listTasks(options: { limit: number; pageToken?: string }): Promise<ProcessedTasksPage>;
  readiness(): Promise<Readiness>;
}
