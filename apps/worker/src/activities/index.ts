/**
 * The activities of `ImplementationWorkflow` (PRODUCT.md §5.1), one file per step, combined here
 * with their dependencies. Every activity runs through `runStep`: run-scoped logging and the one
 * error mapping at the boundary.
 */
import { Context } from '@temporalio/activity';
import {
  HOST_ACTIVITY_NAMES,
  type HostActivities,
  type ImplementationActivities,
  SHARED_ACTIVITY_NAMES,
  type SharedActivities,
  type WorkspaceKey,
} from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { cleanupWorkspace } from './cleanup-workspace.js';
import { commitAndPush } from './commit-and-push.js';
import { getHostQueue } from './get-host-queue.js';
import { implementChanges } from './implement-changes.js';
import { notifyJira } from './notify-jira.js';
import { openPullRequest } from './open-pull-request.js';
import { prepareWorkspace } from './prepare-workspace.js';
import { runStep } from './run-step.js';
import { runTests } from './run-tests.js';
import { keepHeartbeating, type StepContext } from './step-context.js';
import { updateJira } from './update-jira.js';
import { withdrawPullRequest } from './withdraw-pull-request.js';

export type { ActivityDeps } from './activity-deps.js';
export { toActivityFailure } from './error-mapping.js';
export { renderEventComment, renderFinalComment } from './jira-comments.js';
export { pullRequestTitle, renderPullRequestBody } from './pull-request-body.js';
export { workspaceDirFor } from './workspace-path.js';
export { createWorkspaceSlots, type WorkspaceSlots } from './workspace-slots.js';

/**
 * All activities, bound to `deps`. Names are the contract's (PRODUCT.md §5.1). Each activity's
 * TSDoc (in its own file) says what it throws and whether that is retried. Creating them does no I/O.
 */
export function createActivities(deps: ActivityDeps): ImplementationActivities {
  /**
   * Runs a clone-bound step once no other step of its workspace runs here (heartbeating while it
   * waits), keeping the workspace's slot busy meanwhile.
   */
  const hosted = <T>(
    activity: string,
    jiraIssueKey: string | undefined,
    workspace: WorkspaceKey,
    fn: (ctx: StepContext) => Promise<T>,
  ): Promise<T> =>
    runStep(deps, activity, jiraIssueKey, async (ctx) => {
      const slots = deps.workspaceSlots;
      if (!slots) return fn(ctx);
      const stop = keepHeartbeating(ctx, () => ({ step: 'waiting for the workspace' }), deps.heartbeatIntervalMs);
      let leave: () => void;
      try {
        leave = await slots.enter(workspace, ctx.signal);
      } finally {
        stop();
      }
      try {
        return await fn(ctx);
      } finally {
        leave();
      }
    });
  return {
    getHostQueue: (input) =>
      runStep(deps, 'getHostQueue', undefined, (ctx) =>
        getHostQueue(deps, ctx, input, Context.current().info.startToCloseTimeoutMs),
      ),
    notifyJira: (input) => runStep(deps, 'notifyJira', input.jiraIssueKey, (ctx) => notifyJira(deps, ctx, input)),
    openPullRequest: (input) =>
      runStep(deps, 'openPullRequest', input.jiraIssueKey, (ctx) => openPullRequest(deps, ctx, input)),
    updateJira: (input) => runStep(deps, 'updateJira', input.jiraIssueKey, (ctx) => updateJira(deps, ctx, input)),
    withdrawPullRequest: (input) =>
      runStep(deps, 'withdrawPullRequest', input.jiraIssueKey, (ctx) => withdrawPullRequest(deps, ctx, input)),
    prepareWorkspace: (input) =>
      hosted('prepareWorkspace', input.jiraIssueKey, input.workspace, (ctx) => prepareWorkspace(deps, ctx, input)),
    runTests: (input) => hosted('runTests', input.jiraIssueKey, input.workspace, (ctx) => runTests(deps, ctx, input)),
    implementChanges: (input) =>
      hosted('implementChanges', input.ticket.key, input.workspace, (ctx) => implementChanges(deps, ctx, input)),
    commitAndPush: (input) =>
      hosted('commitAndPush', input.jiraIssueKey, input.workspace, (ctx) => commitAndPush(deps, ctx, input)),
    cleanupWorkspace: async (input) => {
      try {
        return await hosted('cleanupWorkspace', undefined, input.workspace, (ctx) =>
          cleanupWorkspace(deps, ctx, input),
        );
      } finally {
        deps.workspaceSlots?.release(input.workspace);
      }
    },
  };
}

/** The activities of the shared task queue. Pure. */
export function sharedActivitiesOf(all: ImplementationActivities): SharedActivities {
  return Object.fromEntries(SHARED_ACTIVITY_NAMES.map((name) => [name, all[name]])) as unknown as SharedActivities;
}

/** The clone-bound activities of the host queue. Pure. */
export function hostActivitiesOf(all: ImplementationActivities): HostActivities {
  return Object.fromEntries(HOST_ACTIVITY_NAMES.map((name) => [name, all[name]])) as unknown as HostActivities;
}
