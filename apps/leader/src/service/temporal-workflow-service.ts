/**
 * {@link WorkflowService} over Temporal: the application service both façades call. State is
 * read from Temporal on every call (describe, `status` query, visibility), never cached.
 */
import { isIssueKey, type WorkflowStatus, workflowIdFor } from '@khitomer/contracts';
import { type CodeHost, type IssueTracker, isIntegrationError, type TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import { PlanningError } from '../planning/planner.js';
import { checkRepository } from '../poller/repository-check.js';
import {
  type RepositoryField,
  RepositoryFieldNotFoundError,
  type RepositoryFieldResolver,
} from '../poller/repository-field.js';
import { parseRepositoryReference, type RepositoryReferenceResult } from '../poller/repository-reference.js';

type RepositoryReference = Extract<RepositoryReferenceResult, { ok: true }>;

import type { RunStarter } from '../starting/run-starter.js';
import type { ImplementationRuns, RunInfo, RunOutcome } from '../temporal/implementation-runs.js';
import {
  InvalidRunListRequestError,
  RunAlreadyStartedError,
  RunNotFoundError,
  TemporalUnavailableError,
} from '../temporal/run-errors.js';
import {
  type CancelRunResponse,
  type PlanDecisionResponse,
  type ProcessedTask,
  type ProcessedTasksPage,
  type Readiness,
  type RunStatus,
  type RunView,
  ServiceError,
  type StartRunRequest,
  type WorkflowService,
} from './types.js';

/** Dependencies of {@link createTemporalWorkflowService}. Durations in milliseconds. */
export interface TemporalWorkflowServiceDeps {
  runs: ImplementationRuns;
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  fieldResolver: RepositoryFieldResolver;
  starter: RunStarter;
  logger: Logger;
  /** Deadline of each readiness probe. Default 5,000. */
  readinessTimeoutMs?: number;
}

/** Largest page of `listTasks`. */
export const MAX_TASKS_PAGE = 1000;
const MAX_REASON_CHARS = 2000;

/**
 * Creates the service. Every method throws {@link ServiceError} for expected failures
 * (`unavailable` when Temporal, Jira, GitHub or the model cannot be reached — retry later;
 * the other codes are not retryable as is); anything else is a bug.
 */
export function createTemporalWorkflowService(deps: TemporalWorkflowServiceDeps): WorkflowService {
  const { runs, logger } = deps;
  const readinessTimeoutMs = deps.readinessTimeoutMs ?? 5_000;

  async function describeOrThrow(workflowId: string): Promise<RunInfo> {
    const run = await temporal(() => runs.describe(workflowId));
    if (!run) throw new ServiceError('not_found', `No workflow with id "${workflowId}".`, { workflow_id: workflowId });
    return run;
  }

  async function openRun(workflowId: string, action: string): Promise<RunInfo> {
    const run = await describeOrThrow(workflowId);
    if (run.status !== 'RUNNING') {
      throw new ServiceError('failed_precondition', `Cannot ${action}: the run already ended (${run.status}).`, {
        workflow_id: run.workflowId,
        run_id: run.runId,
        status: run.status,
      });
    }
    return run;
  }

  async function awaitingApproval(workflowId: string, action: string): Promise<RunInfo> {
    const run = await openRun(workflowId, action);
    const status = await runs.status(run.workflowId, run.runId);
    if (!status) {
      throw new ServiceError(
        'unavailable',
        `Cannot ${action}: the run did not answer the status query in time (is a worker running?).`,
        { workflow_id: run.workflowId },
      );
    }
    if (status.stage !== 'awaiting_approval') {
      throw new ServiceError('failed_precondition', `Cannot ${action}: the run is not waiting for plan approval.`, {
        workflow_id: run.workflowId,
        run_id: run.runId,
        stage: status.stage,
      });
    }
    return run;
  }

  async function fetchIssue(key: string, extraFields: string[]): Promise<TrackerIssue> {
    try {
      return await deps.issueTracker.getIssue(key, extraFields);
    } catch (err) {
      if (isIntegrationError(err) && err.code === 'not_found') {
        throw new ServiceError('not_found', `Jira ticket "${key}" does not exist or is not visible to Khitomer.`, {
          field: 'jira_ticket_id',
        });
      }
      throw unavailableFrom(err, 'Jira');
    }
  }

  /** The repository named by the request, or undefined when it names none. */
  function requestedRepository(request: StartRunRequest): RepositoryReference | undefined {
    const owner = request.repository_owner?.trim() ?? '';
    const name = request.repository_name?.trim() ?? '';
    const branch = request.base_branch?.trim() ?? '';
    if (owner === '' && name === '') return undefined;
    const parsed = parseRepositoryReference(`${owner}/${name}${branch === '' ? '' : `#${branch}`}`);
    if (!parsed.ok) {
      throw new ServiceError('invalid_argument', parsed.problem, {
        field: owner === '' ? 'repository_owner' : name === '' ? 'repository_name' : 'repository',
      });
    }
    return parsed;
  }

  /** The repository of the ticket's repository field (as the poller reads it), with the request's branch. */
  function fieldRepository(issue: TrackerIssue, field: RepositoryField, request: StartRunRequest): RepositoryReference {
    const parsed = parseRepositoryReference(issue.fields[field.id] ?? null);
    if (!parsed.ok) {
      throw new ServiceError(
        'invalid_argument',
        `No repository given and the ticket's "${field.name}" field cannot be used: ${parsed.problem}`,
        { field: 'repository_owner' },
      );
    }
    const branch = request.base_branch?.trim() ?? '';
    return branch === '' ? parsed : { ...parsed, baseBranch: branch };
  }

  return {
    async start(request) {
      const key = request.jira_ticket_id?.trim() ?? '';
      if (!isIssueKey(key)) {
        throw new ServiceError('invalid_argument', 'jira_ticket_id must be a Jira issue key such as "PROJ-12".', {
          field: 'jira_ticket_id',
        });
      }
      const workflowId = workflowIdFor(key);
      const requested = requestedRepository(request);

      const latest = await temporal(() => runs.describe(workflowId));
      if (latest?.status === 'RUNNING') throw alreadyExists(latest);
      if (latest && !request.force) {
        throw new ServiceError(
          'failed_precondition',
          `Ticket ${key} already had a run (${latest.status}); send "force": true to start a new one.`,
          { workflow_id: latest.workflowId, run_id: latest.runId, status: latest.status },
        );
      }

      let issue: TrackerIssue;
      let reference: RepositoryReference;
      if (requested) {
        issue = await fetchIssue(key, []);
        reference = requested;
      } else {
        const field = await withJira(() => deps.fieldResolver.resolve());
        issue = await fetchIssue(key, [field.id]);
        reference = fieldRepository(issue, field, request);
      }
      const check = await withGitHub(() => checkRepository(deps.codeHost, reference.repository, reference.baseBranch));
      if (!check.ok) {
        throw new ServiceError(check.kind === 'not_found' ? 'not_found' : 'invalid_argument', check.problem, {
          field: check.kind === 'branch_not_found' ? 'base_branch' : 'repository_name',
        });
      }

      try {
        const started = await deps.starter.start({
          issue,
          repository: reference.repository,
          ...(reference.baseBranch === undefined ? {} : { baseBranch: reference.baseBranch }),
        });
        logger.info(
          { jiraIssueKey: key, workflowId, runId: started.runId, forced: latest !== null },
          'run started via API',
        );
        return { workflow_id: started.workflowId, run_id: started.runId, status: 'RUNNING' };
      } catch (err) {
        if (err instanceof RunAlreadyStartedError) {
          const open = await temporal(() => runs.describe(workflowId));
          throw alreadyExists(open ?? { workflowId, runId: '' });
        }
        if (err instanceof PlanningError) {
          throw new ServiceError('unavailable', `Planning failed: ${err.reason}`, { planning_error: err.code });
        }
        throw translate(err);
      }
    },

    async get(id) {
      const workflowId = normalizeWorkflowId(id);
      const run = await describeOrThrow(workflowId);
      const closed = run.status !== 'RUNNING';
      const [status, outcome] = await Promise.all([
        runs.status(run.workflowId, run.runId),
        closed ? temporal(() => runs.outcome(run.workflowId, run.runId)) : Promise.resolve(null),
      ]);
      return runView(run, status, outcome);
    },

    async cancel(id) {
      const run = await openRun(normalizeWorkflowId(id), 'cancel');
      await temporal(() => runs.cancel(run.workflowId));
      logger.info({ jiraIssueKey: run.jiraIssueKey, workflowId: run.workflowId, runId: run.runId }, 'cancel requested');
      return { workflow_id: run.workflowId, status: 'CANCEL_REQUESTED' } satisfies CancelRunResponse;
    },

    async approve(id) {
      const run = await awaitingApproval(normalizeWorkflowId(id), 'approve the plan');
      await temporal(() => runs.approve(run.workflowId));
      logger.info(
        { jiraIssueKey: run.jiraIssueKey, workflowId: run.workflowId, runId: run.runId },
        'plan approved via API',
      );
      return { workflow_id: run.workflowId, status: 'APPROVED' } satisfies PlanDecisionResponse;
    },

    async reject(id, reason) {
      const trimmed = reason?.trim() ?? '';
      if (trimmed === '') {
        throw new ServiceError('invalid_argument', 'reason must say why the plan is rejected.', { field: 'reason' });
      }
      const run = await awaitingApproval(normalizeWorkflowId(id), 'reject the plan');
      await temporal(() => runs.reject(run.workflowId, trimmed.slice(0, MAX_REASON_CHARS)));
      logger.info(
        { jiraIssueKey: run.jiraIssueKey, workflowId: run.workflowId, runId: run.runId },
        'plan rejected via API',
      );
      return { workflow_id: run.workflowId, status: 'REJECTED' } satisfies PlanDecisionResponse;
    },

    async listTasks({ limit, pageToken }) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TASKS_PAGE) {
        throw new ServiceError('invalid_argument', `limit must be a whole number from 1 to ${MAX_TASKS_PAGE}.`, {
          field: 'limit',
        });
      }
      if (pageToken !== undefined && pageToken !== '' && !/^[A-Za-z0-9_-]+$/.test(pageToken)) {
        throw new ServiceError('invalid_argument', 'page_token is not a token this API issued.', {
          field: 'page_token',
        });
      }
      const page = await temporal(() => runs.list({ pageSize: limit, ...(pageToken ? { pageToken } : {}) }));
      return {
        tasks: page.runs.map(processedTask),
        next_page_token: page.nextPageToken,
      } satisfies ProcessedTasksPage;
    },

    async readiness() {
      const [temporalOk, jiraOk] = await Promise.all([
        runs.ping().then(
          () => true,
          () => false,
        ),
        deps.issueTracker.ping(AbortSignal.timeout(readinessTimeoutMs)).then(
          () => true,
          () => false,
        ),
      ]);
      return { temporal: temporalOk, jira: jiraOk } satisfies Readiness;
    },
  };
}

/** Accepts a workflow id (`khitomer-KEY`) or, for convenience, a bare issue key. Pure. */
export function normalizeWorkflowId(id: string): string {
  const trimmed = id.trim();
  if (trimmed === '') throw new ServiceError('invalid_argument', 'The workflow id is empty.', { field: 'id' });
  return isIssueKey(trimmed) ? workflowIdFor(trimmed) : trimmed;
}

/** The stage a closed run without a `status` answer is reported in. */
function stageOfClosed(status: RunStatus): string {
  if (status === 'COMPLETED') return 'completed';
  if (status === 'CANCELED') return 'cancelled';
  return 'failed';
}

/** Combines describe, the `status` query and the outcome into the API's view. Pure. */
export function runView(run: RunInfo, status: WorkflowStatus | null, outcome: RunOutcome | null): RunView {
  const closed = run.status !== 'RUNNING';
  let stage = status?.stage ?? (closed ? stageOfClosed(run.status) : 'unknown');
  // A query answered from replay of a closed run may lag the close (e.g. terminated): trust the status.
  if (closed && status && !['completed', 'failed', 'cancelled'].includes(status.stage))
    stage = stageOfClosed(run.status);
  return {
    workflow_id: run.workflowId,
    run_id: run.runId,
    status: run.status,
    jira_ticket_id: run.jiraIssueKey ?? status?.jira_issue_key ?? issueKeyOf(run.workflowId),
    repository: run.repository ?? status?.repository ?? '',
    stage,
    pull_request_url: outcome?.result?.pullRequestUrl ?? status?.pull_request_url ?? null,
    tokens_used: outcome?.result?.tokensUsed ?? status?.tokens_used ?? 0,
    error: outcome?.error ?? status?.error ?? null,
    started_at: run.startTime.toISOString(),
    closed_at: run.closeTime?.toISOString() ?? null,
  };
}

function processedTask(run: RunInfo): ProcessedTask {
  return {
    workflow_id: run.workflowId,
    run_id: run.runId,
    jira_ticket_id: run.jiraIssueKey ?? issueKeyOf(run.workflowId),
    repository: run.repository ?? '',
    status: run.status,
    started_at: run.startTime.toISOString(),
    closed_at: run.closeTime?.toISOString() ?? null,
  };
}

function issueKeyOf(workflowId: string): string {
  return workflowId.startsWith('khitomer-') ? workflowId.slice('khitomer-'.length) : '';
}

function alreadyExists(run: { workflowId: string; runId: string }): ServiceError {
  return new ServiceError('already_exists', `A run for this ticket is already open (workflow ${run.workflowId}).`, {
    workflow_id: run.workflowId,
    run_id: run.runId,
  });
}

/** Maps the gateway's errors to service errors; others pass through. */
function translate(err: unknown): unknown {
  if (err instanceof ServiceError) return err;
  if (err instanceof TemporalUnavailableError) return new ServiceError('unavailable', 'Temporal is unreachable.');
  if (err instanceof RunNotFoundError) {
    return new ServiceError('not_found', `No open run with id "${err.workflowId}".`, { workflow_id: err.workflowId });
  }
  if (err instanceof InvalidRunListRequestError) {
    return new ServiceError('invalid_argument', 'page_token is not a token this API issued.', { field: 'page_token' });
  }
  return err;
}

async function temporal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translate(err);
  }
}

function unavailableFrom(err: unknown, system: string): unknown {
  if (err instanceof ServiceError) return err;
  if (err instanceof RepositoryFieldNotFoundError) {
    return new ServiceError('unavailable', `${system} is misconfigured: ${err.message}.`);
  }
  if (isIntegrationError(err)) {
    const what =
      err.code === 'unauthorized' || err.code === 'forbidden'
        ? `rejected Khitomer's credentials (${err.code})`
        : `could not be reached (${err.code})`;
    return new ServiceError('unavailable', `${system} ${what}.`);
  }
  return err;
}

async function withJira<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unavailableFrom(err, 'Jira');
  }
}

async function withGitHub<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unavailableFrom(err, 'GitHub');
  }
}
