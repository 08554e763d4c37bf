/**
 * Plans a ticket and starts its `ImplementationWorkflow` run — the one way runs begin, whether
 * the poller found the ticket or an API caller asked for it.
 */
import type { ImplementationPlan, RepositoryRef } from '@khitomer/contracts';
import { sanitizeTicketText, type TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import type { Planner } from '../planning/planner.js';
import type { ImplementationRuns, StartedRun } from '../temporal/implementation-runs.js';
import { type RunSettings, workflowOptionsFor } from './workflow-options.js';

/**
 * Longest ticket description put into a run's input, in characters (the workflow caps what the
 * agent sees at the same size). The input lands in workflow history, where Temporal refuses
 * payloads over 2 MB; the Jira adapter alone lets up to 1M characters (3 MB of UTF-8) through.
 */
export const MAX_RUN_DESCRIPTION_CHARS = 24_000;

/** What to start. */
export interface StartTicketRequest {
  issue: TrackerIssue;
  repository: RepositoryRef;
  /** Base branch; the repository's default branch when absent. */
  baseBranch?: string;
  /** Aborts planning (e.g. on shutdown). */
  signal?: AbortSignal;
}

/** A started run and its plan. */
export interface StartedTicket extends StartedRun {
  plan: ImplementationPlan;
  planTokensUsed: number;
}

/** Plans and starts runs. */
export interface RunStarter {
  /**
   * Plans `issue` and starts its run with the configured options. Not idempotent: each call asks
   * the model anew; the start itself is protected by the workflow id (one open run per ticket).
   * @throws {PlanningError} when no plan could be produced (`retryable` says whether later may help).
   * @throws {RunAlreadyStartedError} when a run for the ticket is already open (another leader won).
   * @throws {TemporalUnavailableError} when Temporal cannot be reached; retryable later.
   */
  start(request: StartTicketRequest): Promise<StartedTicket>;
}

/** Dependencies of {@link createRunStarter}. */
export interface RunStarterDeps {
  planner: Planner;
  runs: ImplementationRuns;
  settings: RunSettings;
  logger: Logger;
}

/** Creates the starter. */
export function createRunStarter(deps: RunStarterDeps): RunStarter {
  return {
    async start({ issue, repository, baseBranch, signal }) {
      const { plan, tokensUsed } = await deps.planner.plan({
        key: issue.key,
        summary: issue.summary,
        description: issue.description,
        repository,
        ...(baseBranch === undefined ? {} : { baseBranch }),
        ...(signal === undefined ? {} : { signal }),
      });
      const started = await deps.runs.start({
        jiraIssueKey: issue.key,
        summary: issue.summary,
        description: sanitizeTicketText(issue.description, { maxChars: MAX_RUN_DESCRIPTION_CHARS }),
        repository,
        ...(baseBranch === undefined ? {} : { baseBranch }),
        plan,
        options: workflowOptionsFor(deps.settings, tokensUsed),
      });
      deps.logger.info(
        {
          jiraIssueKey: issue.key,
          workflowId: started.workflowId,
          runId: started.runId,
          repository: `${repository.owner}/${repository.name}`,
          planTokensUsed: tokensUsed,
        },
        'run started',
      );
      return { ...started, plan, planTokensUsed: tokensUsed };
    },
  };
}
