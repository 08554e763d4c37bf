/**
 * Inputs, outputs and signatures of the activities of `ImplementationWorkflow` (PRODUCT.md §5.1).
 * Pure types: imported by the workflow (bundled) and implemented in `../activities/`.
 * Everything here travels through workflow history, so it stays small: no file contents, no
 * diffs, test output only as a ≤ 4 KB tail.
 */
import type { FailureType, ImplementationPlan, RepositoryRef, TestResult } from '@khitomer/contracts';

/** Identifies one clone: a workflow run's attempt. The worker maps it to a folder under WORKSPACE_DIR. */
export interface WorkspaceKey {
  workflowId: string;
  runId: string;
  /** 1-based workspace attempt of the run (a fresh clone each). */
  attempt: number;
}

/** Input of `prepareWorkspace`: clone the base branch and create the work branch. */
export interface PrepareWorkspaceInput {
  workspace: WorkspaceKey;
  jiraIssueKey: string;
  repository: RepositoryRef;
  /** Base branch; the repository's default branch when absent. */
  baseBranch?: string;
  /** `khitomer/<KEY>-<slug>`. */
  branch: string;
}

/** Output of `prepareWorkspace`. */
export interface PreparedWorkspace {
  /** The base branch actually cloned (the default branch when none was given). */
  baseBranch: string;
  /** Tracked files in the clone (a size hint for logs). */
  fileCount: number;
}

/** Input of `runTests`. */
export interface RunTestsInput {
  workspace: WorkspaceKey;
  jiraIssueKey: string;
  /** `baseline` before the agent edits, `final` after. */
  phase: 'baseline' | 'final';
  /** TEST_COMMAND override. */
  testCommand?: string;
  /** Limit of the whole run (install + tests), in ms. */
  timeoutMs: number;
}

/** The ticket as the agent sees it (untrusted text; capped by the workflow). */
export interface TicketText {
  key: string;
  summary: string;
  description: string;
}

/** Input of `implementChanges`. */
export interface ImplementChangesInput {
  workspace: WorkspaceKey;
  ticket: TicketText;
  plan: ImplementationPlan;
  /** AGENT_MAX_STEPS. */
  maxSteps: number;
  /** AGENT_MAX_TOKENS (whole ticket, plan included). */
  tokenBudget: number;
  /** Tokens spent before the agent (planning). */
  tokensAlreadyUsed: number;
  testCommand?: string;
  testTimeoutMs: number;
}

/** A changed file of the work tree. */
export interface ChangedFileSummary {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
}

/** Output of `implementChanges`. */
export interface ImplementChangesResult {
  /** Why the loop ended: `finished`, `max_steps` or `no_tool_call` (budget exhaustion is a failure). */
  stopReason: string;
  /** The agent's summary (capped). */
  summary: string;
  /** Tool calls made. */
  steps: number;
  /** Tokens the agent used (not counting planning). */
  tokensUsed: number;
  changedFiles: ChangedFileSummary[];
}

/** Details attached to a `BudgetExhausted` failure. */
export interface BudgetExhaustedDetails {
  /** Tokens of the whole ticket (plan + agent). */
  tokensUsed: number;
  tokenBudget: number;
  agentSteps: number;
}

/** Input of `commitAndPush`. */
export interface CommitAndPushInput {
  workspace: WorkspaceKey;
  jiraIssueKey: string;
  summary: string;
  planSummary: string;
  branch: string;
}

/** Output of `commitAndPush`. */
export interface CommitAndPushResult {
  commitSha: string;
  changedFiles: ChangedFileSummary[];
  /** Test-tampering warnings naming file and line (deleted tests, added skips). */
  tamperingWarnings: string[];
}

/** Input of `cleanupWorkspace`. */
export interface CleanupWorkspaceInput {
  workspace: WorkspaceKey;
}

/** Input of `openPullRequest`. */
export interface OpenPullRequestInput {
  jiraIssueKey: string;
  summary: string;
  /** `<jiraBaseUrl>/browse/<KEY>`. */
  jiraUrl: string;
  workflowId: string;
  repository: RepositoryRef;
  branch: string;
  baseBranch: string;
  /** Open as draft (tests fail or tampering detected). */
  draft: boolean;
  plan: ImplementationPlan;
  agentSummary: string;
  changedFiles: ChangedFileSummary[];
  baselineTests: TestResult | null;
  finalTests: TestResult | null;
  tamperingWarnings: string[];
  planTokensUsed: number;
  agentTokensUsed: number;
}

/** The PR of a run. */
export interface PullRequestRef {
  number: number;
  url: string;
  draft: boolean;
  /** True when an open PR for the branch already existed and was updated. */
  reused: boolean;
}

/** Input of `withdrawPullRequest`. */
export interface WithdrawPullRequestInput {
  jiraIssueKey: string;
  repository: RepositoryRef;
  /** The PR this run opened (not one it reused). */
  pullRequestNumber: number;
}

/** Input of `updateJira`: the single final comment, remote link and review transition. */
export interface UpdateJiraInput {
  jiraIssueKey: string;
  workflowId: string;
  runId: string;
  repository: RepositoryRef;
  summary: string;
  pullRequest: PullRequestRef;
  baselineTests: TestResult | null;
  finalTests: TestResult | null;
  tamperingWarnings: string[];
  tokensUsed: number;
}

/** What `notifyJira` tells the ticket. */
export type JiraEvent =
  | { kind: 'started'; branch: string }
  | { kind: 'plan_posted'; plan: ImplementationPlan }
  | { kind: 'failed'; failureType: FailureType | string; reason: string; tokensUsed: number }
  | { kind: 'cancelled' };

/** Input of `notifyJira`. */
export interface NotifyJiraInput {
  jiraIssueKey: string;
  workflowId: string;
  runId: string;
  event: JiraEvent;
}

/** Input of `getHostQueue`. */
export interface GetHostQueueInput {
  /** The attempt's workspace: it takes one of the answering worker's slots. */
  workspace: WorkspaceKey;
}

/** Activities on the shared task queue (any worker). */
export interface SharedActivities {
  /**
   * The task queue of the worker that runs this call (its clone-bound activities go there), once
   * that worker has a free slot for `input.workspace` (retried `HostBusy` otherwise). The input is
   * optional for histories recorded before it existed.
   */
  getHostQueue(input?: GetHostQueueInput): Promise<string>;
  notifyJira(input: NotifyJiraInput): Promise<void>;
  openPullRequest(input: OpenPullRequestInput): Promise<PullRequestRef>;
  updateJira(input: UpdateJiraInput): Promise<void>;
  /**
   * Closes the PR this run opened while a cancel was arriving (no PR may stay open after a
   * cancel). Idempotent.
   */
  withdrawPullRequest(input: WithdrawPullRequestInput): Promise<void>;
}

/** Activities bound to the worker holding the clone (its own task queue). */
export interface HostActivities {
  prepareWorkspace(input: PrepareWorkspaceInput): Promise<PreparedWorkspace>;
  runTests(input: RunTestsInput): Promise<TestResult>;
  implementChanges(input: ImplementChangesInput): Promise<ImplementChangesResult>;
  commitAndPush(input: CommitAndPushInput): Promise<CommitAndPushResult>;
  /** Returns true when a workspace folder was removed. */
  cleanupWorkspace(input: CleanupWorkspaceInput): Promise<boolean>;
}

/** Every activity of the workflow, as registered on the workers. */
export type ImplementationActivities = SharedActivities & HostActivities;

/** Activity names: part of the contract (PRODUCT.md §5.1). */
export const SHARED_ACTIVITY_NAMES = [
  'getHostQueue',
  'notifyJira',
  'openPullRequest',
  'updateJira',
  'withdrawPullRequest',
] as const;

/** Names of the clone-bound activities (host queue). */
export const HOST_ACTIVITY_NAMES = [
  'prepareWorkspace',
  'runTests',
  'implementChanges',
  'commitAndPush',
  'cleanupWorkspace',
] as const;
