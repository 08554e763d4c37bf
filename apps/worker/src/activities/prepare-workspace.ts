/** `prepareWorkspace`: a fresh clone of the base branch (through the worker's clone cache) with the work branch checked out. */
import { rm } from 'node:fs/promises';
import { FailureTypes } from '@khitomer/contracts';
import { isIntegrationError, type RepositoryInfo } from '@khitomer/integrations';
import { ApplicationFailure } from '@temporalio/common';
import type { PreparedWorkspace, PrepareWorkspaceInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';
import { keepHeartbeating } from './step-context.js';
import { claimWorkspace } from './workspace-owner.js';
import { workspaceDirFor } from './workspace-path.js';

/**
 * Clones `repository` (URL from the code host's `clone_url`; token sent as a header by the git
 * adapter) into this attempt's folder, replacing whatever a previous try left there, and creates
 * `branch`. Heartbeats throughout; the clone stops when the activity is cancelled.
 * Idempotent (starts from an empty folder every time).
 * @throws non-retryable `InvalidRepository` for an archived repository or a missing base branch;
 *   adapter errors (mapped at the boundary: 404/401/403 non-retryable, 5xx/429/network retried).
 */
export async function prepareWorkspace(
  deps: Pick<ActivityDeps, 'codeHost' | 'git' | 'workspaceRoot' | 'heartbeatIntervalMs'>,
  ctx: StepContext,
  input: PrepareWorkspaceInput,
): Promise<PreparedWorkspace> {
  const dir = workspaceDirFor(deps.workspaceRoot, input.workspace);
  // From the start, not only around the clone: removing an old clone and a repository lookup
  // that waits out a 429's Retry-After can outlast the heartbeat timeout of a healthy host.
  const stop = keepHeartbeating(ctx, () => ({ step: 'clone' }), deps.heartbeatIntervalMs);
  let repo: RepositoryInfo;
  let baseBranch: string;
  let files: string[];
  try {
    await rm(dir, { recursive: true, force: true });
    // Named before anything lands in it, so a worker that dies mid-clone leaves a sweepable orphan.
    await claimWorkspace(dir);
    repo = await deps.codeHost.getRepository(input.repository);
    if (repo.archived) {
      throw ApplicationFailure.nonRetryable(
        `${repo.fullName} is archived: nothing can be pushed to it`,
        FailureTypes.InvalidRepository,
      );
    }
    baseBranch = input.baseBranch ?? repo.defaultBranch;
    try {
      await deps.git.clone({ url: repo.cloneUrl, dir, branch: baseBranch, signal: ctx.signal });
    } catch (err) {
      if (isIntegrationError(err) && err.code === 'not_found' && !ctx.signal.aborted) {
        throw ApplicationFailure.nonRetryable(
          `cannot clone branch "${baseBranch}" of ${repo.fullName}: ${err.message}`,
          FailureTypes.InvalidRepository,
        );
      }
      throw err;
    }
    await deps.git.createBranch(dir, input.branch);
    files = await deps.git.listFiles(dir);
  } finally {
    stop();
  }
  ctx.logger.info(
    { repository: repo.fullName, baseBranch, branch: input.branch, files: files.length },
    'workspace ready',
  );
  return { baseBranch, fileCount: files.length };
}
