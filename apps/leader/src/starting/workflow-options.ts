/**
 * The per-run knobs handed to `ImplementationWorkflow` (contracts `WorkflowOptions`), taken from
 * the leader's configuration once; only the plan's token count differs per run.
 */
import type { WorkflowOptions } from '@khitomer/contracts';

/** Everything of {@link WorkflowOptions} that comes from configuration. */
export type RunSettings = Omit<WorkflowOptions, 'planTokensUsed'>;

/** How long a run waits for plan approval before it ends with a comment, by default: 7 days. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;

/** The configuration slices {@link runSettingsFromConfig} reads. */
export interface RunSettingsSource {
  planApproval: 'off' | 'required';
  agent: { maxSteps: number; maxTokens: number };
  tests: { command: string | undefined; timeoutMs: number };
  jira: { baseUrl: string };
}

/** Builds the run settings from configuration. `approvalTimeoutMs` in ms (no env var sets it). Pure. */
export function runSettingsFromConfig(
  config: RunSettingsSource,
  approvalTimeoutMs: number = DEFAULT_APPROVAL_TIMEOUT_MS,
): RunSettings {
  return {
    planApprovalRequired: config.planApproval === 'required',
    approvalTimeoutMs,
    agentMaxSteps: config.agent.maxSteps,
    agentMaxTokens: config.agent.maxTokens,
    ...(config.tests.command === undefined ? {} : { testCommand: config.tests.command }),
    testTimeoutMs: config.tests.timeoutMs,
    jiraBaseUrl: config.jira.baseUrl,
  };
}

/** The options of one run: the settings plus the tokens its plan cost. Pure. */
export function workflowOptionsFor(settings: RunSettings, planTokensUsed: number): WorkflowOptions {
  return { ...settings, planTokensUsed };
}
