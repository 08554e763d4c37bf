/**
 * Plan approval through Jira (PRODUCT.md §5.3): a run waiting for approval is approved when a
 * human moves its ticket to JIRA_IN_PROGRESS_STATUS.
 */
import { workflowIdFor } from '@khitomer/contracts';
import type { IssueTracker, TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import type { ImplementationRuns } from '../temporal/implementation-runs.js';
import type { PollerMetrics } from './poller-metrics.js';

/** Dependencies of {@link createPlanApprover}. */
export interface PlanApproverDeps {
  issueTracker: IssueTracker;
  runs: ImplementationRuns;
  /** JIRA_IN_PROGRESS_STATUS. */
  inProgressStatus: string;
  logger: Logger;
  metrics: PollerMetrics;
}

/** Approves waiting runs of tickets found in the in-progress status. */
export interface PlanApprover {
  /**
   * Sends `approvePlan` to the run of `issue` when it is open, its `status` query says
   * `awaiting_approval`, and the ticket entered the in-progress status after the run started (so
   * the state the ticket was in when the run began never counts as approval). Returns whether a
   * signal was sent. Idempotent (the signal is).
   * @throws {TemporalUnavailableError} when Temporal cannot be reached.
   * @throws {IntegrationError} when the Jira changelog cannot be read.
   */
  approveIfWaiting(issue: TrackerIssue): Promise<boolean>;
}

/** Creates the approver. */
export function createPlanApprover(deps: PlanApproverDeps): PlanApprover {
  return {
    async approveIfWaiting(issue) {
      const workflowId = workflowIdFor(issue.key);
      const log = deps.logger.child({ jiraIssueKey: issue.key, workflowId });
      const run = await deps.runs.describe(workflowId);
      if (run?.status !== 'RUNNING') return false;
      const status = await deps.runs.status(workflowId, run.runId);
      if (status?.stage !== 'awaiting_approval') return false;
      const enteredAt = await deps.issueTracker.statusEnteredAt(issue.key, deps.inProgressStatus);
      if (enteredAt === null || Date.parse(enteredAt) <= run.startTime.getTime()) {
        log.debug({ runId: run.runId, enteredAt }, 'ticket did not enter the in-progress status during this run');
        return false;
      }
      await deps.runs.approve(workflowId);
      deps.metrics.plansApproved.inc();
      log.info({ runId: run.runId, status: deps.inProgressStatus }, 'plan approved: ticket moved to in-progress');
      return true;
    },
  };
}
