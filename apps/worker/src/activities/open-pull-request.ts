/** `openPullRequest`: find-or-create the PR of the work branch (PRODUCT.md §5.1). */
import { isIntegrationError } from '@khitomer/integrations';
import { createValueRedactor } from '@khitomer/observability';
import type { OpenPullRequestInput, PullRequestRef } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { pullRequestTitle, renderPullRequestBody } from './pull-request-body.js';
import type { StepContext } from './step-context.js';

/**
 * Reuses the open PR whose head is the branch (updating its title and body), or creates one —
 * as a draft when `input.draft`. A `conflict` on create (a PR appeared in between) falls back to
 * the lookup. Configured secret values are redacted from the body. Idempotent.
 * @throws adapter errors (mapped at the boundary: 401/403/404/422 non-retryable, 5xx/429 retried).
 */
export async function openPullRequest(
  deps: Pick<ActivityDeps, 'codeHost' | 'secretValues' | 'metrics'>,
  ctx: StepContext,
  input: OpenPullRequestInput,
): Promise<PullRequestRef> {
  const redact = createValueRedactor(deps.secretValues);
  const title = redact(pullRequestTitle(input.jiraIssueKey, input.summary));
  const body = redact(renderPullRequestBody(input));
  const existing = await deps.codeHost.findOpenPullRequest(input.repository, input.branch);
  if (existing) {
    const updated = await deps.codeHost.updatePullRequest(input.repository, existing.number, { title, body });
    ctx.logger.info({ prNumber: updated.number, draft: updated.draft }, 'pull request reused');
    return { number: updated.number, url: updated.url, draft: updated.draft, reused: true };
  }
  try {
    const created = await deps.codeHost.createPullRequest(input.repository, {
      title,
      body,
      head: input.branch,
      base: input.baseBranch,
      draft: input.draft,
    });
    ctx.logger.info({ prNumber: created.number, draft: created.draft, bodyChars: body.length }, 'pull request opened');
    return { number: created.number, url: created.url, draft: created.draft, reused: false };
  } catch (err) {
    if (!isIntegrationError(err) || err.code !== 'conflict') throw err;
    const raced = await deps.codeHost.findOpenPullRequest(input.repository, input.branch);
    if (!raced) throw err;
    ctx.logger.info({ prNumber: raced.number }, 'pull request appeared concurrently; reused');
    return { number: raced.number, url: raced.url, draft: raced.draft, reused: true };
  }
}
