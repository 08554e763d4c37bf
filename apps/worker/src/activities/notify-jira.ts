/** `notifyJira`: start, plan, failure and cancel comments (and the start transition). */
import type { NotifyJiraInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { eventMarker, renderEventComment } from './jira-comments.js';
import type { StepContext } from './step-context.js';

/**
 * Posts the event's comment once per run (marker checked first, also across retries); on
 * `started` also moves the ticket to the in-progress status when that transition exists.
 * Idempotent.
 * @throws adapter errors (mapped at the boundary: 401/403/404 non-retryable, 5xx/429 retried).
 */
export async function notifyJira(
  deps: Pick<ActivityDeps, 'issueTracker' | 'jira' | 'metrics'>,
  ctx: StepContext,
  input: NotifyJiraInput,
): Promise<void> {
  const { event } = input;
  const run = { workflowId: input.workflowId, runId: input.runId };
  const comment = await deps.issueTracker.addComment(
    input.jiraIssueKey,
    renderEventComment(event, run, deps.jira.inProgressStatus),
    { marker: eventMarker(event.kind, run) },
  );
  let transitioned: boolean | undefined;
  if (event.kind === 'started') {
    transitioned = await deps.issueTracker.transitionTo(input.jiraIssueKey, deps.jira.inProgressStatus);
  }
  if (event.kind === 'failed') deps.metrics.runs.inc({ outcome: 'failed' });
  if (event.kind === 'cancelled') deps.metrics.runs.inc({ outcome: 'cancelled' });
  ctx.logger.info({ event: event.kind, commentId: comment.id, transitioned }, 'jira notified');
}
