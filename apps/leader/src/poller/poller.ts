/**
 * The Jira poll loop (PRODUCT.md §4.1): every JIRA_POLL_INTERVAL, find the project's ready
 * tickets (enhanced search, token paging inside the adapter) and hand each to the ticket
 * processor; with plan approval required, also approve waiting runs whose tickets were moved to
 * the in-progress status. A poll never overlaps the next (the next is scheduled only after the
 * previous finished); a failed poll is logged with its reason, counted, and retried with backoff.
 * Nothing a poll meets crashes the process.
 */
import { workflowIdFor } from '@khitomer/contracts';
import type { IssueTracker, TrackerIssue } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import { TemporalUnavailableError } from '../temporal/run-errors.js';
import { errorMessage, type FailureReason, failureReason } from './failure-reason.js';
import { ticketsInStatusJql } from './jql.js';
import type { PlanApprover } from './plan-approver.js';
import { nextPollDelay } from './poll-backoff.js';
import type { PollerMetrics } from './poller-metrics.js';
import type { RepositoryField, RepositoryFieldResolver } from './repository-field.js';
import { type SkipReason, TICKET_ISSUE_PROPERTIES, type TicketProcessor } from './ticket-processor.js';

/** Dependencies and settings of {@link createPoller}. Durations in milliseconds. */
export interface PollerDeps {
  issueTracker: IssueTracker;
  fieldResolver: RepositoryFieldResolver;
  processor: TicketProcessor;
  /** Given when PLAN_APPROVAL=required. */
  approver?: PlanApprover;
  /** JIRA_PROJECT_KEY. */
  projectKey: string;
  /** JIRA_STATUS_FILTER. */
  readyStatus: string;
  /** JIRA_IN_PROGRESS_STATUS. */
  inProgressStatus: string;
  /** JIRA_POLL_INTERVAL. */
  intervalMs: number;
  /** Tickets handled at once within a poll (planning is slow). Default 4. */
  concurrency?: number;
  logger: Logger;
  metrics: PollerMetrics;
  /** Jitter source of the backoff; returns [0, 1). */
  random?: () => number;
}

/** What one poll did. */
export interface PollResult {
  /** False when the poll failed as a whole (search failed, Temporal unreachable …). */
  ok: boolean;
  /** Ready tickets found. */
  tickets: number;
  /** Keys of tickets whose run was started. */
  started: string[];
  /** Keys of tickets not started, with the reason. */
  skipped: Record<string, SkipReason>;
  /** Keys of tickets whose processing failed (logged; retried next poll). */
  failed: string[];
  /** Keys of tickets whose plan was approved. */
  approved: string[];
  /** Why the poll failed, when it did. */
  error?: FailureReason;
}

/** The running loop. */
export interface Poller {
  /** Starts polling now and then every interval. Idempotent; no-op after `stop`. */
  start(): void;
  /** Stops the loop, aborts planning in flight and waits for the current poll to end. Idempotent. */
  stop(): Promise<void>;
  /**
   * Runs one poll now, after any poll in progress (never concurrently), and returns what it did.
   * Never throws. Also usable without `start` (tests, one-shot runs).
   */
  pollOnce(): Promise<PollResult>;
  /** Polls finished so far, failed ones included. */
  readonly completedPolls: number;
  /** Failed polls in a row (0 after a good one). */
  readonly consecutiveFailures: number;
}

/** Creates the poller. No I/O until `start` or `pollOnce`. */
export function createPoller(deps: PollerDeps): Poller {
  const log = deps.logger;
  const concurrency = Math.max(1, deps.concurrency ?? 4);
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let completedPolls = 0;
  let consecutiveFailures = 0;
  let current: AbortController | undefined;

  async function processReady(
    issues: TrackerIssue[],
    field: RepositoryField,
    result: PollResult,
    signal: AbortSignal,
  ): Promise<void> {
    const queue = [...issues];
    let temporalDown: unknown;
    const worker = async () => {
      for (let issue = queue.shift(); issue; issue = queue.shift()) {
        if (temporalDown !== undefined || signal.aborted) return;
        try {
          const outcome = await deps.processor.process(issue, field, signal);
          if (outcome.kind === 'started') result.started.push(issue.key);
          else result.skipped[issue.key] = outcome.reason;
        } catch (err) {
          if (err instanceof TemporalUnavailableError) {
            temporalDown = err;
            return;
          }
          result.failed.push(issue.key);
          const reason = failureReason(err);
          deps.metrics.apiErrors.inc({ system: reason.system, code: reason.code });
          log.warn(
            {
              jiraIssueKey: issue.key,
              workflowId: workflowIdFor(issue.key),
              system: reason.system,
              code: reason.code,
              err: errorMessage(err),
            },
            'ticket could not be processed; retrying on the next poll',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, issues.length) }, worker));
    if (temporalDown !== undefined) throw temporalDown;
  }

  async function approveWaiting(result: PollResult): Promise<void> {
    const approver = deps.approver;
    if (!approver) return;
    const issues = await deps.issueTracker.searchIssues(ticketsInStatusJql(deps.projectKey, deps.inProgressStatus));
    for (const issue of issues) {
      try {
        if (await approver.approveIfWaiting(issue)) result.approved.push(issue.key);
      } catch (err) {
        if (err instanceof TemporalUnavailableError) throw err;
        const reason = failureReason(err);
        deps.metrics.apiErrors.inc({ system: reason.system, code: reason.code });
        log.warn(
          {
            jiraIssueKey: issue.key,
            workflowId: workflowIdFor(issue.key),
            system: reason.system,
            code: reason.code,
            err: errorMessage(err),
          },
          'plan approval check failed; retrying on the next poll',
        );
      }
    }
  }

  async function runPoll(): Promise<PollResult> {
    const controller = new AbortController();
    current = controller;
    const endTimer = deps.metrics.pollDuration.startTimer();
    const result: PollResult = { ok: true, tickets: 0, started: [], skipped: {}, failed: [], approved: [] };
    try {
      const field = await deps.fieldResolver.resolve();
      const issues = await deps.issueTracker.searchIssues(ticketsInStatusJql(deps.projectKey, deps.readyStatus), {
        extraFields: [field.id],
        properties: [...TICKET_ISSUE_PROPERTIES],
      });
      result.tickets = issues.length;
      await processReady(issues, field, result, controller.signal);
      await approveWaiting(result);
      consecutiveFailures = 0;
      deps.metrics.polls.inc({ outcome: 'ok' });
      const busy = result.started.length + result.approved.length + result.failed.length > 0;
      (busy ? log.info : log.debug).call(
        log,
        {
          tickets: result.tickets,
          started: result.started,
          approved: result.approved,
          failed: result.failed,
          skipped: Object.keys(result.skipped).length,
        },
        'poll finished',
      );
    } catch (err) {
      const reason = failureReason(err);
      result.ok = false;
      result.error = reason;
      consecutiveFailures++;
      deps.metrics.polls.inc({ outcome: 'failed' });
      deps.metrics.pollFailures.inc({ reason: `${reason.system}_${reason.code}` });
      deps.metrics.apiErrors.inc({ system: reason.system, code: reason.code });
      log.warn(
        {
          system: reason.system,
          code: reason.code,
          retryAfterMs: reason.retryAfterMs,
          consecutiveFailures,
          err: errorMessage(err),
        },
        'poll failed; retrying with backoff',
      );
    } finally {
      endTimer();
      completedPolls++;
      if (current === controller) current = undefined;
    }
    return result;
  }

  function pollOnce(): Promise<PollResult> {
    const next = chain.then(runPoll);
    chain = next.catch(() => undefined);
    return next;
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    const result = await pollOnce();
    if (stopped) return;
    const delay = nextPollDelay({
      intervalMs: deps.intervalMs,
      consecutiveFailures,
      ...(result.error?.retryAfterMs === undefined ? {} : { retryAfterMs: result.error.retryAfterMs }),
      ...(deps.random ? { random: deps.random } : {}),
    });
    if (consecutiveFailures > 0) log.info({ delayMs: delay, consecutiveFailures }, 'next poll delayed');
    timer = setTimeout(() => void loop(), delay);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      log.info(
        { projectKey: deps.projectKey, status: deps.readyStatus, intervalMs: deps.intervalMs },
        'poller started',
      );
      void loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      current?.abort(new Error('poller stopping'));
      await chain;
    },
    pollOnce,
    get completedPolls() {
      return completedPolls;
    },
    get consecutiveFailures() {
      return consecutiveFailures;
    },
  };
}
