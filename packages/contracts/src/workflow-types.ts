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
}

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
