/**
 * What the poller does with one ready ticket: skip it while a run is open or when its last run
 * ended and it has not re-entered ready since; otherwise resolve and check the repository
 * (explaining problems once on the ticket), plan, and start the run.
 */
import { workflowIdFor } from '@khitomer/contracts';
import type { CodeHost, IssueTracker, TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import { PlanningError } from '../planning/planner.js';
import type { RunStarter } from '../starting/run-starter.js';
import type { ImplementationRuns } from '../temporal/implementation-runs.js';
import { RunAlreadyStartedError } from '../temporal/run-errors.js';
import type { PollerMetrics } from './poller-metrics.js';
import { checkRepository, type RepositoryProblemKind } from './repository-check.js';
import type { RepositoryField } from './repository-field.js';
import { parseRepositoryReference } from './repository-reference.js';
import { decideStart } from './rerun-policy.js';
import {
  planningFailureComment,
  planningFailureMarker,
  repositoryProblemComment,
  repositoryProblemMarker,
} from './ticket-comments.js';

/** Why a ticket was not started. */
export type SkipReason =
  /** A run of the ticket is open. */
  | 'run_open'
  /** The last run ended and the ticket has not re-entered ready since it started. */
  | 'not_re_entered_ready'
  /** The repository field is missing or invalid, or the repository cannot be used (explained on the ticket). */
  | 'repository_problem'
  /** Planning failed (explained on the ticket unless retryable). */
  | 'planning_failed'
  /** Planning failed for this very version of the ticket before; not tried again. */
  | 'planning_failed_before'
  /** Another leader started the run first. */
  | 'started_elsewhere';

/** What happened to one ticket. */
export type TicketOutcome =
  | { kind: 'started'; workflowId: string; runId: string }
  | { kind: 'skipped'; reason: SkipReason };

/** Dependencies of {@link createTicketProcessor}. */
export interface TicketProcessorDeps {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  runs: ImplementationRuns;
  starter: RunStarter;
  /** JIRA_STATUS_FILTER. */
  readyStatus: string;
  logger: Logger;
  metrics: PollerMetrics;
}

/** Handles one ready ticket. */
export interface TicketProcessor {
  /**
   * Decides and acts on `issue` (found by the ready search with `field` among its fields).
   * Safe to run concurrently from several leaders: the start is protected by the workflow id, and
   * comments by markers.
   * @throws {TemporalUnavailableError} when Temporal cannot be reached (retry next poll).
   * @throws {IntegrationError} when Jira or GitHub fail (retryable codes: retry next poll).
   */
  process(issue: TrackerIssue, field: RepositoryField, signal?: AbortSignal): Promise<TicketOutcome>;
}

/** Creates the processor. */
export function createTicketProcessor(deps: TicketProcessorDeps): TicketProcessor {
  const { issueTracker, codeHost, runs, starter, metrics } = deps;

  return {
    async process(issue, field, signal) {
      const workflowId = workflowIdFor(issue.key);
      const log = deps.logger.child({ jiraIssueKey: issue.key, workflowId });
      const skip = (reason: SkipReason): TicketOutcome => {
        metrics.ticketsSkipped.inc({ reason });
        return { kind: 'skipped', reason };
      };

      let enteredReady: Promise<string | null> | undefined;
      const readyEnteredAt = () => {
        enteredReady ??= issueTracker
          .statusEnteredAt(issue.key, deps.readyStatus)
          // Created directly in the ready status: no changelog entry, the status date is the creation.
          .then((at) => at ?? issue.statusChangedAt ?? (issue.created || null));
        return enteredReady;
      };

      const latest = await runs.describe(workflowId);
      if (latest?.status === 'RUNNING') {
        log.debug({ runId: latest.runId }, 'run open; ticket skipped');
        return skip('run_open');
      }
      if (latest) {
        const at = await readyEnteredAt();
        const decision = decideStart(latest, at === null ? null : new Date(at));
        if (!decision.start) {
          log.debug(
            { runId: latest.runId, runStatus: latest.status, readyEnteredAt: at },
            'last run ended and the ticket has not re-entered ready since; ticket skipped',
          );
          return skip('not_re_entered_ready');
        }
        log.info({ previousRunId: latest.runId, readyEnteredAt: at }, 'ticket re-entered ready; starting a new run');
      }

      const rawValue = issue.fields[field.id] ?? null;
      const explainRepositoryProblem = async (kind: RepositoryProblemKind, problem: string) => {
        const marker = repositoryProblemMarker({
          kind,
          fieldId: field.id,
          rawValue,
          readyEnteredAt: await readyEnteredAt(),
        });
        const comment = await issueTracker.addComment(
          issue.key,
          repositoryProblemComment(field.name, rawValue, problem),
          {
            marker,
          },
        );
        metrics.jiraComments.inc({ kind: `repository_${kind}` });
        log.warn({ problemKind: kind, field: field.name, commentId: comment.id }, 'repository field cannot be used');
        return skip('repository_problem');
      };

      const reference = parseRepositoryReference(rawValue);
      if (!reference.ok) return explainRepositoryProblem('invalid', reference.problem);
      const { repository, baseBranch } = reference;
      const check = await checkRepository(codeHost, repository, baseBranch);
      if (!check.ok) return explainRepositoryProblem(check.kind, check.problem);

      const planningSubject = async (code: string) => ({
        code,
        summary: issue.summary,
        description: issue.description,
        repository,
        baseBranch,
        readyEnteredAt: await readyEnteredAt(),
      });
      const failedBefore = planningFailureMarker(await planningSubject('invalid_plan'));
      const comments = await issueTracker.listComments(issue.key);
      if (comments.some((c) => c.marker === failedBefore)) {
        log.debug({}, 'planning failed for this version of the ticket before; ticket skipped');
        return skip('planning_failed_before');
      }

      try {
        const started = await starter.start({
          issue,
          repository,
          ...(baseBranch === undefined ? {} : { baseBranch }),
          ...(signal === undefined ? {} : { signal }),
        });
        metrics.ticketsStarted.inc();
        return { kind: 'started', workflowId: started.workflowId, runId: started.runId };
      } catch (err) {
        if (err instanceof RunAlreadyStartedError) {
          log.info({}, 'another leader started the run first; ticket skipped');
          return skip('started_elsewhere');
        }
        if (!(err instanceof PlanningError)) throw err;
        metrics.apiErrors.inc({ system: 'llm', code: err.code });
        if (err.retryable) {
          log.warn({ code: err.code, reason: err.reason }, 'planning failed; retrying on a later poll');
          return skip('planning_failed');
        }
        const marker = planningFailureMarker(await planningSubject(err.code));
        const comment = await issueTracker.addComment(
          issue.key,
          planningFailureComment(err.reason, err.code !== 'invalid_plan'),
          {
            marker,
          },
        );
        metrics.jiraComments.inc({ kind: `planning_${err.code}` });
        log.warn(
          { code: err.code, reason: err.reason, commentId: comment.id },
          'planning failed; explained on the ticket',
        );
        return skip('planning_failed');
      }
    },
  };
}
