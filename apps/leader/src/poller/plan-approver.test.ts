import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeIssueTracker, FakeRuns, makeIssue, makeStatus, silentLogger } from '../testing/fakes.js';
import { createPlanApprover } from './plan-approver.js';
import { createPollerMetrics } from './poller-metrics.js';

const runStart = new Date('2030-01-02T00:00:00.000Z');
const after = new Date(runStart.getTime() + 60_000).toISOString();

function setup() {
  const jira = new FakeIssueTracker();
  const runs = new FakeRuns();
  const approver = createPlanApprover({
    issueTracker: jira,
    runs,
    inProgressStatus: 'In Progress',
    logger: silentLogger(),
    metrics: createPollerMetrics(new Registry()),
  });
  const issue = makeIssue({ key: 'KHI-4', status: 'In Progress' });
  return { jira, runs, approver, issue };
}

describe('plan approver', () => {
  it('approves a waiting run once its ticket was moved to in-progress after the run started', async () => {
    const { jira, runs, approver, issue } = setup();
    runs.addRun('khitomer-KHI-4', 'RUNNING', runStart);
    runs.statuses.set('khitomer-KHI-4', makeStatus({ stage: 'awaiting_approval' }));
    jira.entered.set('KHI-4|In Progress', after);
    expect(await approver.approveIfWaiting(issue)).toBe(true);
    expect(runs.signals).toEqual([{ workflowId: 'khitomer-KHI-4', signal: 'approve' }]);
  });

  it('does not approve a run that is not waiting, closed, or absent', async () => {
    const { jira, runs, approver, issue } = setup();
    jira.entered.set('KHI-4|In Progress', after);
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    runs.addRun('khitomer-KHI-4', 'RUNNING', runStart);
    runs.statuses.set('khitomer-KHI-4', makeStatus({ stage: 'implementing' }));
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    runs.statuses.delete('khitomer-KHI-4'); // query unanswered
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    runs.runs.get('khitomer-KHI-4')!.at(-1)!.status = 'COMPLETED';
    runs.statuses.set('khitomer-KHI-4', makeStatus({ stage: 'awaiting_approval' }));
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    expect(runs.signals).toEqual([]);
  });

  it('ignores an in-progress status the ticket already had before the run started', async () => {
    const { jira, runs, approver, issue } = setup();
    runs.addRun('khitomer-KHI-4', 'RUNNING', runStart);
    runs.statuses.set('khitomer-KHI-4', makeStatus({ stage: 'awaiting_approval' }));
    jira.entered.set('KHI-4|In Progress', new Date(runStart.getTime() - 1).toISOString());
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    jira.entered.delete('KHI-4|In Progress');
    expect(await approver.approveIfWaiting(issue)).toBe(false);
    expect(runs.signals).toEqual([]);
  });
});
