/** `updateJira`: the single final comment with the PR, a remote link and the review transition. */
import type { UpdateJiraInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { finalMarker, renderFinalComment } from './jira-comments.js';
import type { StepContext } from './step-context.js';

/**
 * Posts the final ADF comment (exactly once per run: a marker stored as a comment property is
 * checked first, also across retries), adds the PR as a remote link (idempotent per global id)
 * and moves the ticket to the review status when that transition exists. Idempotent.
 * @throws adapter errors (mapped at the boundary: 401/403/404 non-retryable, 5xx/429 retried).
 */
export async function updateJira(
  deps: Pick<ActivityDeps, 'issueTracker' | 'jira' | 'metrics'>,
  ctx: StepContext,
  input: UpdateJiraInput,
): Promise<void> {
  const { pullRequest: pr, repository } = input;
  const comment = await deps.issueTracker.addComment(input.jiraIssueKey, renderFinalComment(input), {
    marker: finalMarker(input),
  });
  await deps.issueTracker.addRemoteLink(input.jiraIssueKey, {
    url: pr.url,
    title: `${repository.owner}/${repository.name}#${pr.number}: ${input.summary}`.slice(0, 250),
    globalId: `khitomer:pr:${repository.owner}/${repository.name}#${pr.number}`,
  });
  const moved = await deps.issueTracker.transitionTo(input.jiraIssueKey, deps.jira.reviewStatus);
  deps.metrics.runs.inc({ outcome: pr.draft ? 'completed_draft' : 'completed' });
  ctx.logger.info(
    { commentId: comment.id, prNumber: pr.number, transitioned: moved, status: deps.jira.reviewStatus },
    'jira updated with the pull request',
  );
}
