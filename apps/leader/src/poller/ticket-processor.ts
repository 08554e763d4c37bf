/**
 * What the poller does with one ready ticket: skip it while a run is open or when its last run
 * ended and it has not re-entered ready since; otherwise resolve and check the repository
 * (explaining problems once on the ticket), plan, and start the run.
 */
import { workflowIdFor } from '@khitomer/contracts';
import type { AdfDocument, CodeHost, IssueTracker, TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import { PlanningError } from '../planning/planner.js';
import type { RunStarter } from '../starting/run-starter.js';
import type { ImplementationRuns } from '../temporal/implementation-runs.js';
import { RunAlreadyStartedError } from '../temporal/run-errors.js';
import { errorMessage, failureReason } from './failure-reason.js';
import type { PollerMetrics } from './poller-metrics.js';
import { checkRepository, type RepositoryProblemKind } from './repository-check.js';
import type { RepositoryField } from './repository-field.js';
import { parseRepositoryReference } from './repository-reference.js';
import { decideStart } from './rerun-policy.js';
import {
  LEADER_ISSUE_PROPERTY,
  type LeaderIssueRecord,
  planningFailureComment,
  planningFailureMarker,
  recordedPlanningFailure,
  repositoryProblemComment,
  repositoryProblemMarker,
} from './ticket-comments.js';
import { BoundedMap, ReadyEntryCache } from './ticket-memory.js';

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
  /** Tickets each in-memory cache of the processor holds. Default 10 000. */
  memorySize?: number;
}

/** Handles one ready ticket. */
export interface TicketProcessor {
  /**
   * Decides and acts on `issue` (found by the ready search with `field` among its fields and the
   * {@link TICKET_ISSUE_PROPERTIES} among its properties). Safe to run concurrently from several
   * leaders: the start is protected by the workflow id, and comments by markers.
   *
   * Jira cost: none for a ticket whose run is open, nor for a new ticket that is planned and
   * started. The changelog is read only when the ready-entry time matters (a closed run, a
   * repository problem, a recorded planning failure) and then remembered while the ticket's
   * `updated` stays the same; comments are read only to post an explanation.
   * @throws {TemporalUnavailableError} when Temporal cannot be reached (retry next poll).
   * @throws {IntegrationError} when Jira or GitHub fail (retryable codes: retry next poll).
   */
  process(issue: TrackerIssue, field: RepositoryField, signal?: AbortSignal): Promise<TicketOutcome>;
}

/** Issue properties the ready search must return for {@link TicketProcessor.process}. */
export const TICKET_ISSUE_PROPERTIES: readonly string[] = [LEADER_ISSUE_PROPERTY];

/** Creates the processor. Its caches live as long as it does. */
export function createTicketProcessor(deps: TicketProcessorDeps): TicketProcessor {
  const { issueTracker, codeHost, runs, starter, metrics } = deps;
  const readyEntries = new ReadyEntryCache(deps.memorySize);
  /** Issue key → markers of comments this leader posted or found (so it need not look again). */
  const explained = new BoundedMap<string, Set<string>>(deps.memorySize);
  /** Issue key → marker of a planning failure not to retry, recorded by this leader. */
  const planningFailures = new BoundedMap<string, string>(deps.memorySize);

  const wasExplained = (key: string, marker: string) => explained.get(key)?.has(marker) === true;
  const rememberExplained = (key: string, marker: string) => {
    const markers = explained.get(key) ?? new Set<string>();
    markers.add(marker);
    explained.set(key, markers);
  };

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
        enteredReady ??= (async () => {
          const known = readyEntries.get(issue.key, issue.updated);
          if (known !== undefined) return known;
          const fromChangelog = await issueTracker.statusEnteredAt(issue.key, deps.readyStatus);
          // Created directly in the ready status: no changelog entry, the status date is the creation.
          const at = fromChangelog ?? issue.statusChangedAt ?? (issue.created || null);
          readyEntries.set(issue.key, issue.updated, at);
          return at;
        })();
        return enteredReady;
      };

      // Visibility/describe in Temporal: no Jira request.
      const latest = await runs.describe(workflowId);
      if (latest?.status === 'RUNNING') {
        log.debug({ runId: latest.runId }, 'run open; ticket skipped');
        return skip('run_open');
      }
      if (latest) {
        // Entering ready updates the ticket, so a ticket not updated since the run started cannot
        // have re-entered ready since: no need to read its changelog.
        const updated = Date.parse(issue.updated);
        const at = !Number.isNaN(updated) && updated <= latest.startTime.getTime() ? null : await readyEnteredAt();
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

      /** Posts `body` once per marker (also across restarts and leaders: the marker lives in Jira). */
      const explainOnce = async (marker: string, body: AdfDocument): Promise<{ id: string } | undefined> => {
        if (wasExplained(issue.key, marker)) return undefined;
        const comment = await issueTracker.addComment(issue.key, body, { marker });
        rememberExplained(issue.key, marker);
        return comment;
      };

      const rawValue = issue.fields[field.id] ?? null;
      const explainRepositoryProblem = async (kind: RepositoryProblemKind, problem: string) => {
        const marker = repositoryProblemMarker({
          kind,
          fieldId: field.id,
          rawValue,
          readyEnteredAt: await readyEnteredAt(),
        });
        const comment = await explainOnce(marker, repositoryProblemComment(field.name, rawValue, problem));
        if (comment === undefined) {
          log.debug({ problemKind: kind, field: field.name }, 'repository field cannot be used; already explained');
        } else {
          metrics.jiraComments.inc({ kind: `repository_${kind}` });
          log.warn({ problemKind: kind, field: field.name, commentId: comment.id }, 'repository field cannot be used');
        }
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
      // Only a ticket with a recorded planning failure costs the changelog read for this check.
      const recordedFailures = [recordedPlanningFailure(issue.properties), planningFailures.get(issue.key)].filter(
        (marker): marker is string => marker !== undefined,
      );
      if (
        recordedFailures.length > 0 &&
        recordedFailures.includes(planningFailureMarker(await planningSubject('invalid_plan')))
      ) {
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
        const comment = await explainOnce(marker, planningFailureComment(err.reason, err.code !== 'invalid_plan'));
        if (comment !== undefined) metrics.jiraComments.inc({ kind: `planning_${err.code}` });
        if (err.code === 'invalid_plan') await recordPlanningFailure(issue, marker, log);
        log.warn(
          { code: err.code, reason: err.reason, commentId: comment?.id },
          'planning failed; explained on the ticket',
        );
        return skip('planning_failed');
      }
    },
  };

  /**
   * Remembers a planning failure not to retry: in memory, and in the issue property the ready
   * search returns (for restarts and other leaders). A failed write is logged, not thrown: the
   * comment is posted and this leader remembers; at worst another leader plans once more.
   */
  async function recordPlanningFailure(issue: TrackerIssue, marker: string, log: Logger): Promise<void> {
    planningFailures.set(issue.key, marker);
    const previous = issue.properties[LEADER_ISSUE_PROPERTY];
    const record: LeaderIssueRecord = {
      ...(typeof previous === 'object' && previous !== null ? (previous as LeaderIssueRecord) : {}),
      planningFailure: marker,
    };
    try {
      await issueTracker.setIssueProperty(issue.key, LEADER_ISSUE_PROPERTY, record);
    } catch (err) {
      log.warn(
        { code: failureReason(err).code, err: errorMessage(err) },
        'planning failure could not be recorded on the ticket; other leaders may plan it once more',
      );
    }
  }
}
