import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_TIMEOUT_MS, runSettingsFromConfig, workflowOptionsFor } from './workflow-options.js';

const config = {
  planApproval: 'required' as const,
  agent: { maxSteps: 12, maxTokens: 90_000 },
  tests: { command: 'make check', timeoutMs: 120_000 },
  jira: { baseUrl: 'https://acme.atlassian.net' },
};

describe('workflow options from configuration', () => {
  it('carries every knob the workflow needs, plus the plan tokens of the run', () => {
    expect(workflowOptionsFor(runSettingsFromConfig(config), 777)).toEqual({
      planApprovalRequired: true,
      approvalTimeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS,
      agentMaxSteps: 12,
      agentMaxTokens: 90_000,
      planTokensUsed: 777,
      testCommand: 'make check',
      testTimeoutMs: 120_000,
      jiraBaseUrl: 'https://acme.atlassian.net',
    });
  });

  it('leaves the test command out when none is configured (the worker detects it)', () => {
    const settings = runSettingsFromConfig(
      { ...config, planApproval: 'off', tests: { command: undefined, timeoutMs: 1 } },
      5,
    );
    expect(settings).not.toHaveProperty('testCommand');
    expect(settings).toMatchObject({ planApprovalRequired: false, approvalTimeoutMs: 5 });
  });
});
