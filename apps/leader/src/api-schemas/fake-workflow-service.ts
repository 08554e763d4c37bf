/**
 * An in-memory {@link WorkflowService} for the façades' tests (dependency injection, no module
 * mocking). It keeps runs in a map, follows the service contract's error codes, records every
 * call, and can be told to fail a method with any error.
 */
import {
  type CancelRunResponse,
  type PlanDecisionResponse,
  type ProcessedTasksPage,
  type Readiness,
  type RunView,
  ServiceError,
  type StartRunRequest,
  type StartRunResponse,
  type WorkflowService,
} from '../service/types.js';

/** One recorded call. */
export interface RecordedCall {
  method: keyof WorkflowService;
  args: unknown[];
}

/** The fake: runs in memory, failures on demand. */
export class FakeWorkflowService implements WorkflowService {
  /** Every call in order, with its arguments. */
  readonly calls: RecordedCall[] = [];
  /** Runs by workflow id. */
  readonly runs = new Map<string, RunView>();
  /** Ids of runs whose plan awaits approval. */
  readonly awaitingApproval = new Set<string>();
  /** What `readiness()` answers. */
  readinessState: Readiness = { temporal: true, jira: true };
  private readonly failures = new Map<keyof WorkflowService, unknown>();
  private runCounter = 0;

  /** Makes every later call of `method` throw `error` (until {@link clearFailures}). */
  failWith(method: keyof WorkflowService, error: unknown): void {
    this.failures.set(method, error);
  }

  /** Forgets all configured failures. */
  clearFailures(): void {
    this.failures.clear();
  }

  /** Adds a run directly (as if started earlier). */
  seed(run: Partial<RunView> & { workflow_id: string }): RunView {
    const full: RunView = {
      run_id: `run-${++this.runCounter}`,
      status: 'RUNNING',
      jira_ticket_id: run.workflow_id.replace(/^khitomer-/, ''),
      repository: 'acme/widgets',
      stage: 'implementing',
      pull_request_url: null,
      tokens_used: 0,
      error: null,
      started_at: '2025-01-01T00:00:00.000Z',
      closed_at: null,
      ...run,
    };
    this.runs.set(full.workflow_id, full);
    return full;
  }

  private enter(method: keyof WorkflowService, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failures.has(method)) throw this.failures.get(method);
  }

  private find(workflowId: string): RunView {
    const run = this.runs.get(workflowId);
    if (!run) throw new ServiceError('not_found', `workflow ${workflowId} not found`);
    return run;
  }

  async start(request: StartRunRequest): Promise<StartRunResponse> {
    this.enter('start', [request]);
    const workflowId = `khitomer-${request.jira_ticket_id}`;
    const previous = this.runs.get(workflowId);
    if (previous?.status === 'RUNNING') {
      throw new ServiceError('already_exists', `a run for ${request.jira_ticket_id} is open`, {
        workflow_id: previous.workflow_id,
        run_id: previous.run_id,
      });
    }
    if (previous && !request.force) {
      throw new ServiceError('failed_precondition', `${request.jira_ticket_id} already ran; pass force to run again`);
    }
    const run = this.seed({
      workflow_id: workflowId,
      jira_ticket_id: request.jira_ticket_id,
      repository: `${request.repository_owner}/${request.repository_name}`,
      stage: 'starting',
    });
    return { workflow_id: run.workflow_id, run_id: run.run_id, status: run.status };
  }

  async get(workflowId: string): Promise<RunView> {
    this.enter('get', [workflowId]);
    return { ...this.find(workflowId) };
  }

  async cancel(workflowId: string): Promise<CancelRunResponse> {
    this.enter('cancel', [workflowId]);
    const run = this.find(workflowId);
    if (run.status !== 'RUNNING') throw new ServiceError('failed_precondition', `workflow ${workflowId} is closed`);
    run.status = 'CANCELED';
    run.closed_at = '2025-01-01T00:01:00.000Z';
    return { workflow_id: workflowId, status: 'CANCEL_REQUESTED' };
  }

  async approve(workflowId: string): Promise<PlanDecisionResponse> {
    this.enter('approve', [workflowId]);
    this.find(workflowId);
    if (!this.awaitingApproval.delete(workflowId)) {
      throw new ServiceError('failed_precondition', `workflow ${workflowId} is not waiting for approval`);
    }
    return { workflow_id: workflowId, status: 'APPROVED' };
  }

  async reject(workflowId: string, reason: string): Promise<PlanDecisionResponse> {
    this.enter('reject', [workflowId, reason]);
    this.find(workflowId);
    if (!this.awaitingApproval.delete(workflowId)) {
      throw new ServiceError('failed_precondition', `workflow ${workflowId} is not waiting for approval`);
    }
    return { workflow_id: workflowId, status: 'REJECTED' };
  }

  async listTasks(options: { limit: number; pageToken?: string }): Promise<ProcessedTasksPage> {
    this.enter('listTasks', [options]);
    const start = options.pageToken === undefined ? 0 : Number(options.pageToken);
    if (!Number.isInteger(start) || start < 0) throw new ServiceError('invalid_argument', 'page_token is not valid');
    const all = [...this.runs.values()];
    const tasks = all.slice(start, start + options.limit).map((run) => ({
      workflow_id: run.workflow_id,
      run_id: run.run_id,
      jira_ticket_id: run.jira_ticket_id,
      repository: run.repository,
      status: run.status,
      started_at: run.started_at,
      closed_at: run.closed_at,
    }));
    const next = start + options.limit;
    return { tasks, next_page_token: next < all.length ? String(next) : '' };
  }

  async readiness(): Promise<Readiness> {
    this.enter('readiness', []);
    return { ...this.readinessState };
  }
}
