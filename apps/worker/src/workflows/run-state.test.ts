import { describe, expect, it } from 'vitest';
import { RunState } from './run-state.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const init = { jiraIssueKey: 'KHI-1', repository: 'acme/calculator', planSummary: 'Fix add', planTokensUsed: 100 };

describe('RunState', () => {
  it('records time per stage, also when a stage is entered again', () => {
    const c = clock();
    const state = new RunState(init, c.now);
    c.advance(10);
    state.enter('preparing_workspace');
    c.advance(50);
    state.enter('implementing');
    c.advance(200);
    state.enter('preparing_workspace');
    c.advance(30);
    expect(state.stageTimings()).toEqual({ starting: 10, preparing_workspace: 80, implementing: 200 });
    expect(state.history).toEqual(['starting', 'preparing_workspace', 'implementing', 'preparing_workspace']);
  });

  it('ignores re-entering the current stage and anything after a terminal stage', () => {
    const c = clock();
    const state = new RunState(init, c.now);
    expect(state.enter('starting')).toBe(false);
    expect(state.enter('completed')).toBe(true);
    expect(state.enter('failed')).toBe(false);
    c.advance(1_000);
    expect(state.stage).toBe('completed');
    expect(state.stageTimings()).toEqual({ starting: 0 });
  });

  it('answers the status query with every contract field', () => {
    const state = new RunState(init, clock().now);
    state.enter('implementing');
    state.branch = 'khitomer/KHI-1-fix-add';
    state.agentSteps = 3;
    state.agentTokensUsed = 900;
    expect(state.status()).toEqual({
      stage: 'implementing',
      jira_issue_key: 'KHI-1',
      repository: 'acme/calculator',
      branch: 'khitomer/KHI-1-fix-add',
      plan_summary: 'Fix add',
      agent_steps: 3,
      tokens_used: 1_000,
      test_result: null,
      pull_request_url: null,
      error: null,
    });
  });
});
