/** `cleanupWorkspace`: removes an attempt's clone. */
import { rm, stat } from 'node:fs/promises';
import type { CleanupWorkspaceInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import type { StepContext } from './step-context.js';
import { releaseWorkspace } from './workspace-owner.js';
import { workspaceDirFor } from './workspace-path.js';

/**
 * Deletes the attempt's folder (and everything in it) and its owner record. Idempotent: returns false when it was
 * already gone.
 * @throws file-system errors other than "not found" (retried per policy).
 */
export async function cleanupWorkspace(
  deps: Pick<ActivityDeps, 'workspaceRoot'>,
  ctx: StepContext,
  input: CleanupWorkspaceInput,
): Promise<boolean> {
  const dir = workspaceDirFor(deps.workspaceRoot, input.workspace);
  const existed = await stat(dir).then(
    () => true,
    () => false,
  );
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  await releaseWorkspace(dir);
  ctx.logger.info({ removed: existed }, 'workspace removed');
  return existed;
}
