/**
 * What the activities need, injected by `createActivities(deps)`: the adapters, configuration
 * slices, logger, metrics and this host's task queue. Nothing global.
 */
import type { CodeHost, GitWorkspace, IssueTracker, LlmClient } from '@khitomer/integrations';
import type { Logger } from '@khitomer/observability';
import type { WorkerMetrics } from '../worker-metrics.js';
import type { WorkspaceSlots } from './workspace-slots.js';

/** Everything the activities use. */
export interface ActivityDeps {
  issueTracker: IssueTracker;
  codeHost: CodeHost;
  git: GitWorkspace;
  llm: LlmClient;
  /** Parent logger; activities add `component`, `activity`, `jiraIssueKey`, `workflowId`. */
  logger: Logger;
  metrics: WorkerMetrics;
  /** This worker's own task queue (returned by `getHostQueue`). */
  hostQueue: string;
  /** WORKSPACE_DIR: clones live in one folder per run attempt below it. */
  workspaceRoot: string;
  /** Jira status names of PRODUCT.md §3. */
  jira: { inProgressStatus: string; reviewStatus: string };
  /** Commit author. */
  gitAuthor: { name: string; email: string };
  /** Configured secret values: scanned for before pushing and redacted from PR bodies. */
  secretValues: readonly string[];
  /** Runs this worker hosts at once (WORKER_CONCURRENCY); unlimited when absent. */
  workspaceSlots?: WorkspaceSlots;
  /** How often long activities heartbeat, in ms (default 1000; the SDK throttles sends). */
  heartbeatIntervalMs?: number;
}
