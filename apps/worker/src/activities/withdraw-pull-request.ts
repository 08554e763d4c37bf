/** `withdrawPullRequest`: closes the PR a cancelled run opened. */
import type { WithdrawPullRequestInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';

/**
 * Closes PR `input.pullRequestNumber` — one this run created when the cancel arrived while it was
 * being opened. The branch stays (it holds the work). Idempotent (closing a closed PR changes
 * nothing).
 * @throws adapter errors (mapped at the boundary: 401/403/404/422 non-retryable, 5xx/429 retried).
 */
export async function withdrawPullRequest(
  deps: Pick<ActivityDeps, 'codeHost'>,
  ctx: StepContext,
  input: WithdrawPullRequestInput,
): Promise<void> {
  const closed = await deps.codeHost.updatePullRequest(input.repository, input.pullRequestNumber, { state: 'closed' });
  ctx.logger.info({ prNumber: input.pullRequestNumber, state: closed.state }, 'pull request closed after the cancel');
}
