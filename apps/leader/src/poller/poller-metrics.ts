/**
 * Prometheus metrics of the poller (served at `/metrics` on the REST port): polls by outcome and
 * failure reason, tickets started or skipped, errors of outside APIs, approvals sent.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** The poller's metrics. */
export interface PollerMetrics {
  /** `khitomer_leader_polls_total{outcome="ok"|"failed"}`. */
  polls: Counter<'outcome'>;
  /** `khitomer_leader_poll_failures_total{reason}`: why a poll failed (e.g. `unauthorized`, `rate_limited`). */
  pollFailures: Counter<'reason'>;
  /** `khitomer_leader_poll_duration_seconds`. */
  pollDuration: Histogram;
  /** `khitomer_leader_tickets_started_total`. */
  ticketsStarted: Counter;
  /** `khitomer_leader_tickets_skipped_total{reason}`. */
  ticketsSkipped: Counter<'reason'>;
  /** `khitomer_leader_api_errors_total{system, code}`: failed calls to Jira, GitHub, the LLM or Temporal. */
  apiErrors: Counter<'system' | 'code'>;
  /** `khitomer_leader_plans_approved_total`. */
  plansApproved: Counter;
  /** `khitomer_leader_jira_comments_total{kind}`: explanatory comments posted by the leader. */
  jiraComments: Counter<'kind'>;
}

/** Registers the poller's metrics on `registry`. Call once per registry (prom-client throws on duplicates). */
export function createPollerMetrics(registry: Registry): PollerMetrics {
  const registers = [registry];
  return {
    polls: new Counter({
      name: 'khitomer_leader_polls_total',
      help: 'Jira polls, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    pollFailures: new Counter({
      name: 'khitomer_leader_poll_failures_total',
      help: 'Failed Jira polls, by reason',
      labelNames: ['reason'],
      registers,
    }),
    pollDuration: new Histogram({
      name: 'khitomer_leader_poll_duration_seconds',
      help: 'Duration of one poll (search, decisions, planning, starts)',
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    ticketsStarted: new Counter({
      name: 'khitomer_leader_tickets_started_total',
      help: 'Runs started by the poller',
      registers,
    }),
    ticketsSkipped: new Counter({
      name: 'khitomer_leader_tickets_skipped_total',
      help: 'Ready tickets not started, by reason',
      labelNames: ['reason'],
      registers,
    }),
    apiErrors: new Counter({
      name: 'khitomer_leader_api_errors_total',
      help: 'Failed calls to outside APIs, by system and error code',
      labelNames: ['system', 'code'],
      registers,
    }),
    plansApproved: new Counter({
      name: 'khitomer_leader_plans_approved_total',
      help: 'approvePlan signals sent because a waiting ticket was moved to the in-progress status',
      registers,
    }),
    jiraComments: new Counter({
      name: 'khitomer_leader_jira_comments_total',
      help: 'Explanatory Jira comments posted by the leader, by kind',
      labelNames: ['kind'],
      registers,
    }),
  };
}
