import { IntegrationError } from '@khitomer/integrations';
import { describe, expect, it } from 'vitest';
import { PlanningError } from '../planning/planner.js';
import { createRepositoryFieldResolver } from '../poller/repository-field.js';
import { createRunStarter } from '../starting/run-starter.js';
import { runSettingsFromConfig } from '../starting/workflow-options.js';
import { TemporalUnavailableError } from '../temporal/run-errors.js';
import {
  FakeCodeHost,
  FakeIssueTracker,
  FakePlanner,
  FakeRuns,
  makeIssue,
  makeStatus,
  silentLogger,
} from '../testing/fakes.js';
import { createTemporalWorkflowService, runView } from './temporal-workflow-service.js';
import { ServiceError } from './types.js';

const runStart = new Date('2030-01-02T00:00:00.000Z');

function setup(planner = new FakePlanner()) {
  const jira = new FakeIssueTracker();
  jira.add(makeIssue({ key: 'KHI-1', fields: { customfield_10050: 'acme/app#develop' } }));
  const github = new FakeCodeHost().addRepository('acme/app', { branches: ['main', 'develop'] });
  const runs = new FakeRuns();
  const settings = runSettingsFromConfig({
    planApproval: 'off',
    agent: { maxSteps: 40, maxTokens: 400_000 },
    tests: { command: undefined, timeoutMs: 600_000 },
    jira: { baseUrl: 'https://jira.example' },
  });
  const service = createTemporalWorkflowService({
    runs,
    issueTracker: jira,
    codeHost: github,
    fieldResolver: createRepositoryFieldResolver(jira, 'Repository'),
    starter: createRunStarter({ planner, runs, settings, logger: silentLogger() }),
    logger: silentLogger(),
  });
  return { jira, github, runs, service, planner };
}

async function serviceError(promise: Promise<unknown>): Promise<ServiceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

const request = { jira_ticket_id: 'KHI-1', repository_owner: 'acme', repository_name: 'app' };

describe('start', () => {
  it('fetches the ticket, plans and starts it with the given repository', async () => {
    const { service, runs } = setup();
    const started = await service.start({ ...request, base_branch: 'develop' });
    expect(started).toMatchObject({ workflow_id: 'khitomer-KHI-1', status: 'RUNNING' });
    expect(runs.started[0]).toMatchObject({
      jiraIssueKey: 'KHI-1',
      summary: 'Summary of KHI-1',
      repository: { owner: 'acme', name: 'app' },
      baseBranch: 'develop',
      options: { planTokensUsed: 321 },
    });
  });

  it('resolves the repository from the ticket field when the request names none', async () => {
    const { service, runs } = setup();
    await service.start({ jira_ticket_id: 'KHI-1', repository_owner: '', repository_name: '' });
    expect(runs.started[0]).toMatchObject({ repository: { owner: 'acme', name: 'app' }, baseBranch: 'develop' });
  });

  it('answers already_exists with the open run ids, and force does not override an open run', async () => {
    const { service, runs, planner } = setup();
    const open = runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    for (const force of [false, true]) {
      const err = await serviceError(service.start({ ...request, force }));
      expect(err.code).toBe('already_exists');
      expect(err.details).toEqual({ workflow_id: 'khitomer-KHI-1', run_id: open.runId });
    }
    expect(planner.inputs).toHaveLength(0);
  });

  it('re-runs a closed ticket only with force', async () => {
    const { service, runs } = setup();
    runs.addRun('khitomer-KHI-1', 'COMPLETED', runStart);
    const err = await serviceError(service.start(request));
    expect(err.code).toBe('failed_precondition');
    expect(err.message).toContain('force');
    expect(await service.start({ ...request, force: true })).toMatchObject({ status: 'RUNNING' });
    expect(runs.started).toHaveLength(1);
  });

  it.each([
    ['a malformed ticket key', { ...request, jira_ticket_id: 'not a key' }, 'invalid_argument', 'jira_ticket_id'],
    ['a malformed owner', { ...request, repository_owner: '-acme' }, 'invalid_argument', 'repository'],
    ['only a name', { ...request, repository_owner: '' }, 'invalid_argument', 'repository_owner'],
    ['an unknown ticket', { ...request, jira_ticket_id: 'KHI-404' }, 'not_found', 'jira_ticket_id'],
    ['an unknown repository', { ...request, repository_name: 'ghost' }, 'not_found', 'repository_name'],
    ['an unknown base branch', { ...request, base_branch: 'nope' }, 'invalid_argument', 'base_branch'],
  ])('refuses %s', async (_name, body, code, field) => {
    const { service, runs } = setup();
    const err = await serviceError(service.start(body));
    expect(err.code).toBe(code);
    expect(err.details).toMatchObject({ field });
    expect(runs.started).toHaveLength(0);
  });

  it('maps outages to unavailable: Temporal, Jira, planning', async () => {
    const a = setup();
    a.runs.down = new TemporalUnavailableError();
    expect((await serviceError(a.service.start(request))).code).toBe('unavailable');

    const b = setup();
    b.jira.failNext('getIssue', new IntegrationError('network', 'refused', { system: 'jira' }));
    expect((await serviceError(b.service.start(request))).code).toBe('unavailable');

    const c = setup(
      new FakePlanner(() => new PlanningError('llm_unavailable', 'Model down.', { retryable: true, tokensUsed: 0 })),
    );
    const err = await serviceError(c.service.start(request));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('Model down.');
  });
});

describe('get', () => {
  it('reports a running run from describe and the status query; accepts a bare ticket key', async () => {
    const { service, runs } = setup();
    const run = runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    runs.statuses.set('khitomer-KHI-1', makeStatus({ stage: 'testing', tokens_used: 1234 }));
    const view = await service.get('KHI-1');
    expect(view).toEqual({
      workflow_id: 'khitomer-KHI-1',
      run_id: run.runId,
      status: 'RUNNING',
      jira_ticket_id: 'KHI-1',
      repository: 'acme/app',
      stage: 'testing',
      pull_request_url: null,
      tokens_used: 1234,
      error: null,
      started_at: runStart.toISOString(),
      closed_at: null,
    });
  });

  it('reports a closed run with its result or failure even when no worker answers the query', async () => {
    const { service, runs } = setup();
    const run = runs.addRun('khitomer-KHI-1', 'FAILED', runStart);
    runs.outcomes.set(run.runId, { result: null, error: 'Secret detected in the diff' });
    expect(await service.get('khitomer-KHI-1')).toMatchObject({
      status: 'FAILED',
      stage: 'failed',
      error: 'Secret detected in the diff',
      closed_at: new Date(runStart.getTime() + 60_000).toISOString(),
    });
  });

  it('is not_found for an unknown id, unavailable when Temporal is down', async () => {
    const { service, runs } = setup();
    expect((await serviceError(service.get('khitomer-NOPE-1'))).code).toBe('not_found');
    runs.down = new TemporalUnavailableError();
    expect((await serviceError(service.get('khitomer-KHI-1'))).code).toBe('unavailable');
  });

  it('runView prefers the workflow result for a completed run', () => {
    const view = runView(
      {
        workflowId: 'khitomer-KHI-1',
        runId: 'r1',
        status: 'COMPLETED',
        startTime: runStart,
        closeTime: runStart,
        jiraIssueKey: null,
        repository: null,
      },
      null,
      {
        result: {
          pullRequestUrl: 'https://github.example/acme/app/pull/1',
          pullRequestNumber: 1,
          draft: false,
          branch: 'khitomer/KHI-1-x',
          baselineTests: null,
          finalTests: null,
          tokensUsed: 999,
          agentSteps: 3,
          stageTimings: {},
        },
        error: null,
      },
    );
    expect(view).toMatchObject({
      jira_ticket_id: 'KHI-1',
      stage: 'completed',
      pull_request_url: 'https://github.example/acme/app/pull/1',
      tokens_used: 999,
    });
  });
});

describe('cancel, approve, reject', () => {
  it('cancels an open run; a closed one is failed_precondition', async () => {
    const { service, runs } = setup();
    runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    expect(await service.cancel('khitomer-KHI-1')).toEqual({
      workflow_id: 'khitomer-KHI-1',
      status: 'CANCEL_REQUESTED',
    });
    expect(runs.signals).toEqual([{ workflowId: 'khitomer-KHI-1', signal: 'cancel' }]);
    runs.runs.get('khitomer-KHI-1')!.at(-1)!.status = 'CANCELED';
    expect((await serviceError(service.cancel('khitomer-KHI-1'))).code).toBe('failed_precondition');
  });

  it('approves and rejects only a run waiting for approval', async () => {
    const { service, runs } = setup();
    runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    runs.statuses.set('khitomer-KHI-1', makeStatus({ stage: 'implementing' }));
    expect((await serviceError(service.approve('khitomer-KHI-1'))).code).toBe('failed_precondition');
    runs.statuses.set('khitomer-KHI-1', makeStatus({ stage: 'awaiting_approval' }));
    expect(await service.approve('khitomer-KHI-1')).toEqual({ workflow_id: 'khitomer-KHI-1', status: 'APPROVED' });
    expect((await serviceError(service.reject('khitomer-KHI-1', '  '))).code).toBe('invalid_argument');
    expect(await service.reject('khitomer-KHI-1', 'Wrong approach')).toEqual({
      workflow_id: 'khitomer-KHI-1',
      status: 'REJECTED',
    });
    expect(runs.signals).toEqual([
      { workflowId: 'khitomer-KHI-1', signal: 'approve' },
      { workflowId: 'khitomer-KHI-1', signal: 'reject', reason: 'Wrong approach' },
    ]);
  });
});

describe('listTasks and readiness', () => {
  it('maps visibility rows and passes the page token through', async () => {
    const { service, runs } = setup();
    const run = runs.addRun('khitomer-KHI-1', 'COMPLETED', runStart);
    runs.pages.push({ runs: [run], nextPageToken: 'abc_-' });
    expect(await service.listTasks({ limit: 10 })).toEqual({
      tasks: [
        {
          workflow_id: 'khitomer-KHI-1',
          run_id: run.runId,
          jira_ticket_id: 'KHI-1',
          repository: 'acme/app',
          status: 'COMPLETED',
          started_at: runStart.toISOString(),
          closed_at: new Date(runStart.getTime() + 60_000).toISOString(),
        },
      ],
      next_page_token: 'abc_-',
    });
  });

  it('refuses a bad limit or page token', async () => {
    const { service } = setup();
    for (const limit of [0, 1001, 2.5]) {
      expect((await serviceError(service.listTasks({ limit }))).code).toBe('invalid_argument');
    }
    expect((await serviceError(service.listTasks({ limit: 5, pageToken: 'a b' }))).code).toBe('invalid_argument');
  });

  it('readiness reports Temporal and Jira separately', async () => {
    const { service, runs, jira } = setup();
    expect(await service.readiness()).toEqual({ temporal: true, jira: true });
    runs.down = new TemporalUnavailableError();
    jira.failNext('ping', new IntegrationError('unauthorized', '401', { status: 401, system: 'jira' }));
    expect(await service.readiness()).toEqual({ temporal: false, jira: false });
  });
});
