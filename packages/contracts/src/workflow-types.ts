/**
 * Workflow input/output and status types shared by the leader and the worker.
 * Pure types only: this file is bundled into workflow code.
 */

/** A GitHub repository, as `owner/name`. */
export interface RepositoryRef {
  owner: string;
  name: string;
}

/** One step of an implementation plan (PRODUCT.md §4.3). */
export interface PlanStep {
  title: string;
  details: string;
  files: string[];
}

/** The LLM's implementation plan (PRODUCT.md §4.3); keys are the JSON schema's. */
export interface ImplementationPlan {
  summary: string;
  steps: PlanStep[];
  test_strategy: string;
  risks: string[];
}

/** Per-run knobs, resolved by the leader from its configuration. Durations in milliseconds. */
export interface WorkflowOptions {
  /** PLAN_APPROVAL=required: wait for `approvePlan` before touching code. */
  planApprovalRequired: boolean;
  /** How long to wait for approval before the run ends with a comment, in ms. */
  approvalTimeoutMs: number;
  /** AGENT_MAX_STEPS. */
  agentMaxSteps: number;
  /** AGENT_MAX_TOKENS: the whole ticket's budget, plan tokens included. */
  agentMaxTokens: number;
  /** Tokens already spent on planning; counted against agentMaxTokens. */
  planTokensUsed: number;
  /** TEST_COMMAND override, if configured. */
  testCommand?: string;
  /** TEST_TIMEOUT, in ms. */
  testTimeoutMs: number;
  /** Base URL of Jira, for links in the PR body. */
  jiraBaseUrl: string;
  /** How many fresh-clone attempts before the run fails (host lost, etc.). Default 3. */
  maxWorkspaceAttempts?: number;
  /** Activity timeouts; each absent field takes its {@link DEFAULT_WORKFLOW_TIMEOUTS} value. */
  timeouts?: Partial<WorkflowTimeouts>;
}

/**
 * Activity timeouts of `ImplementationWorkflow`, in milliseconds. The host-queue values decide how
 * fast a dead worker is noticed: heartbeat timeout + first retry interval + schedule-to-start.
 */
export interface WorkflowTimeouts {
  /** Schedule-to-start of every clone-bound activity (host queue); not retried: the next attempt starts elsewhere. */
  hostScheduleToStartMs: number;
  /** Heartbeat timeout of clone-bound activities (they heartbeat every few seconds while alive). */
  heartbeatMs: number;
  /** Start-to-close of `prepareWorkspace` (clone + branch). */
  prepareWorkspaceMs: number;
  /** Start-to-close of `implementChanges` (the agent loop). */
  implementChangesMs: number;
  /** Start-to-close of `commitAndPush` (secret scan, commit, push). */
  commitAndPushMs: number;
  /** Start-to-close of Jira/GitHub calls (`notifyJira`, `openPullRequest`, `updateJira`, `getHostQueue`). */
  externalCallMs: number;
  /** First retry interval of retried activities (doubles per attempt, capped at 30 s). */
  retryInitialIntervalMs: number;
}

/** Production defaults: a dead host is noticed within heartbeat + retry + schedule-to-start ≈ 51 s. */
export const DEFAULT_WORKFLOW_TIMEOUTS: Readonly<WorkflowTimeouts> = Object.freeze({
  hostScheduleToStartMs: 30_000,
  heartbeatMs: 20_000,
  prepareWorkspaceMs: 10 * 60_000,
  implementChangesMs: 60 * 60_000,
  commitAndPushMs: 5 * 60_000,
  externalCallMs: 2 * 60_000,
  retryInitialIntervalMs: 1_000,
});

/** Input of `ImplementationWorkflow`. */
export interface ImplementationWorkflowInput {
  jiraIssueKey: string;
  summary: string;
  /** Plain text of the ticket description (untrusted). */
  description: string;
  repository: RepositoryRef;
  /** Base branch; the repository's default branch when absent. */
  baseBranch?: string;
  plan: ImplementationPlan;
  options: WorkflowOptions;
}

/** Stages a run goes through; shown by the `status` query and in the Temporal UI. */
export const STAGES = [
  'starting',
  'awaiting_approval',
  'preparing_workspace',
  'baseline_tests',
  'implementing',
  'testing',
  'committing',
  'opening_pull_request',
  'updating_jira',
  'completed',
  'failed',
  'cancelled',
] as const;

/** A stage of an `ImplementationWorkflow` run. */
export type Stage = (typeof STAGES)[number];

/** Outcome of one run of the repository's test command (PRODUCT.md §7). */
export interface TestResult {
  /** The command as shown to humans, e.g. `npm test`; `(none)` when no test command was found. */
  command: string;
  /** Exit code, or null when killed (timeout, cancel) or not run. */
  exitCode: number | null;
  passed: boolean;
  timedOut: boolean;
  /** Whether any test command was found / configured at all. */
  detected: boolean;
  durationMs: number;
  /** Last lines of combined output, at most 4 KB. */
  outputTail: string;
  /** Failing test count when the runner's summary could be parsed. */
  failing?: number;
  /**
   * Whether the command ran without outside network (own network namespace). False when the worker
   * could not isolate it (no `unshare` permission). Absent from results of older workers.
   */
  networkIsolated?: boolean;
  /** Whether the command ran in its own PID namespace, unable to see other processes. Absent as above. */
  processesIsolated?: boolean;
}

/** What the `status` query returns (PRODUCT.md §5.2); keys are part of the contract. */
export interface WorkflowStatus {
  stage: Stage;
  jira_issue_key: string;
  repository: string;
  branch: string | null;
  plan_summary: string;
  agent_steps: number;
  tokens_used: number;
  test_result: TestResult | null;
  pull_request_url: string | null;
  error: string | null;
}

/** Result of a completed `ImplementationWorkflow`. */
export interface ImplementationWorkflowResult {
  pullRequestUrl: string;
  pullRequestNumber: number;
  draft: boolean;
  branch: string;
  baselineTests: TestResult | null;
  finalTests: TestResult | null;
  tokensUsed: number;
  agentSteps: number;
  /** Stage name → duration in ms. */
  stageTimings: Record<string, number>;
}
