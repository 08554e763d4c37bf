import { IntegrationError } from '@khitomer/integrations';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PlanningError } from '../planning/planner.js';
import { createRunStarter } from '../starting/run-starter.js';
import { runSettingsFromConfig } from '../starting/workflow-options.js';
import { RunAlreadyStartedError, TemporalUnavailableError } from '../temporal/run-errors.js';
import {
  FakeCodeHost,
  FakeIssueTracker,
  FakePlanner,
  FakeRuns,
  makeIssue,
  SAMPLE_PLAN,
  silentLogger,
} from '../testing/fakes.js';
import { createPollerMetrics } from './poller-metrics.js';
import type { RepositoryField } from './repository-field.js';
import { createTicketProcessor, TICKET_ISSUE_PROPERTIES } from './ticket-processor.js';

const READY = 'Ready for Development';
const field: RepositoryField = { id: 'customfield_10050', name: 'Repository' };
const runStart = new Date('2030-01-02T00:00:00.000Z');

function setup(planner = new FakePlanner()) {
  const jira = new FakeIssueTracker();
  const github = new FakeCodeHost().addRepository('acme/app', { branches: ['main', 'develop'] });
  const runs = new FakeRuns();
  const registry = new Registry();
  const metrics = createPollerMetrics(registry);
  const settings = runSettingsFromConfig(
    {
      planApproval: 'off',
      agent: { maxSteps: 40, maxTokens: 400_000 },
      tests: { command: undefined, timeoutMs: 600_000 },
      jira: { baseUrl: 'https://jira.example' },
    },
    1000,
  );
  const starter = createRunStarter({ planner, runs, settings, logger: silentLogger() });
  // Another processor over the same Jira, GitHub and Temporal: a restarted or second leader.
  const newProcessor = () =>
    createTicketProcessor({
      issueTracker: jira,
      codeHost: github,
      runs,
      starter,
      readyStatus: READY,
      logger: silentLogger(),
      metrics,
    });
  const processor = newProcessor();
  const ticket = (key: string, repository: unknown = 'acme/app') =>
    makeIssue({ key, fields: { [field.id]: repository } });
  return { jira, github, runs, planner, processor, newProcessor, registry, ticket };
}

describe('ticket processor: starting', () => {
  it('plans and starts a new ticket with the plan, its token count and the configured options', async () => {
    const { processor, runs, planner, ticket } = setup();
    const outcome = await processor.process(ticket('KHI-1', 'https://github.com/acme/app#develop'), field);
    expect(outcome).toMatchObject({ kind: 'started', workflowId: 'khitomer-KHI-1' });
    expect(planner.inputs[0]).toMatchObject({ key: 'KHI-1', repository: { owner: 'acme', name: 'app' } });
    expect(runs.started).toHaveLength(1);
    expect(runs.started[0]).toMatchObject({
      jiraIssueKey: 'KHI-1',
      repository: { owner: 'acme', name: 'app' },
      baseBranch: 'develop',
      plan: SAMPLE_PLAN,
      options: {
        planTokensUsed: 321,
        planApprovalRequired: false,
        approvalTimeoutMs: 1000,
        agentMaxSteps: 40,
        agentMaxTokens: 400_000,
        testTimeoutMs: 600_000,
        jiraBaseUrl: 'https://jira.example',
      },
    });
  });

  it('skips a ticket whose run is open, without planning', async () => {
    const { processor, runs, planner, ticket } = setup();
    runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    expect(await processor.process(ticket('KHI-1'), field)).toEqual({ kind: 'skipped', reason: 'run_open' });
    expect(planner.inputs).toHaveLength(0);
  });

  it('after a closed run, skips until the ticket re-entered ready, then starts once', async () => {
    const { processor, runs, jira, ticket } = setup();
    runs.addRun('khitomer-KHI-1', 'COMPLETED', runStart);
    const issue = ticket('KHI-1');
    // Created directly in ready (no changelog): the status date is before the run.
    for (let i = 0; i < 5; i++) {
      expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'not_re_entered_ready' });
    }
    // Moved out and back: the transition updates the ticket.
    const reEntered = new Date(runStart.getTime() + 5_000).toISOString();
    jira.entered.set(`KHI-1|${READY}`, reEntered);
    const moved = { ...issue, updated: reEntered };
    runs.now = () => new Date(runStart.getTime() + 10_000);
    expect(await processor.process(moved, field)).toMatchObject({ kind: 'started' });
    expect(runs.started).toHaveLength(1);
    // The new run started "now" (after the re-entry): nothing more.
    runs.runs.get('khitomer-KHI-1')!.at(-1)!.status = 'COMPLETED';
    expect(await processor.process(moved, field)).toEqual({ kind: 'skipped', reason: 'not_re_entered_ready' });
  });

  it('treats losing the start race to another leader as a skip', async () => {
    const { processor, runs, ticket } = setup();
    runs.nextStartError = new RunAlreadyStartedError('khitomer-KHI-1');
    expect(await processor.process(ticket('KHI-1'), field)).toEqual({ kind: 'skipped', reason: 'started_elsewhere' });
  });

  it('lets Temporal and transient Jira/GitHub failures through for the poller to retry', async () => {
    const { processor, runs, github, ticket } = setup();
    runs.down = new TemporalUnavailableError();
    await expect(processor.process(ticket('KHI-1'), field)).rejects.toBeInstanceOf(TemporalUnavailableError);
    runs.down = undefined;
    github.failures.push(new IntegrationError('unavailable', 'GitHub 502', { status: 502, system: 'github' }));
    await expect(processor.process(ticket('KHI-1'), field)).rejects.toMatchObject({ code: 'unavailable' });
    expect(runs.started).toHaveLength(0);
  });
});

describe('ticket processor: repository problems are explained once', () => {
  const cases: [string, unknown, string][] = [
    ['missing field', null, 'empty'],
    ['not a repo', 'not a repo', 'contains spaces'],
    ['unknown repository (GitHub 404)', 'acme/ghost', 'does not exist on GitHub'],
    ['unknown base branch', 'acme/app#nope', 'base branch "nope" does not exist'],
  ];

  it.each(cases)(
    '%s → one comment naming field and value, no run, not repeated on later polls',
    async (_n, value, words) => {
      const { processor, runs, jira, planner, ticket } = setup();
      const issue = ticket('KHI-7', value);
      for (let i = 0; i < 3; i++) {
        expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'repository_problem' });
      }
      const comments = jira.commentsOf('KHI-7');
      expect(comments).toHaveLength(1);
      expect(comments[0]!.text).toContain('Repository');
      expect(comments[0]!.text).toContain(words);
      if (typeof value === 'string') expect(comments[0]!.text).toContain(value.split('#')[0]);
      expect(comments[0]!.marker).toMatch(/^khitomer-leader:repository:/);
      expect(runs.started).toHaveLength(0);
      expect(planner.inputs).toHaveLength(0);
    },
  );

  it('comments again when the ticket changed: a new value, or re-entering ready', async () => {
    const { processor, jira, ticket } = setup();
    await processor.process(ticket('KHI-7', 'not a repo'), field);
    await processor.process(ticket('KHI-7', 'still not a repo'), field);
    expect(jira.commentsOf('KHI-7')).toHaveLength(2);
    // Moved out of ready and back: the transition updates the ticket.
    jira.entered.set(`KHI-7|${READY}`, '2030-02-01T00:00:00.000Z');
    const moved = { ...ticket('KHI-7', 'still not a repo'), updated: '2030-02-01T00:00:00.000Z' };
    await processor.process(moved, field);
    await processor.process(moved, field);
    expect(jira.commentsOf('KHI-7')).toHaveLength(3);
  });

  it('an archived repository is a problem too', async () => {
    const { processor, github, jira, ticket } = setup();
    github.addRepository('acme/old', { archived: true });
    expect(await processor.process(ticket('KHI-8', 'acme/old'), field)).toMatchObject({ reason: 'repository_problem' });
    expect(jira.commentsOf('KHI-8')[0]!.text).toContain('archived');
  });
});

describe('ticket processor: planning failures', () => {
  it('a plan the model cannot produce is explained once and not re-planned for the same ticket text', async () => {
    const failing = new FakePlanner(
      () => new PlanningError('invalid_plan', 'The model returned garbage.', { retryable: false, tokensUsed: 50 }),
    );
    const { processor, jira, runs, ticket } = setup(failing);
    const issue = ticket('KHI-9');
    expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'planning_failed' });
    expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'planning_failed_before' });
    expect(failing.inputs).toHaveLength(1);
    expect(jira.commentsOf('KHI-9')).toHaveLength(1);
    expect(jira.commentsOf('KHI-9')[0]!.text).toContain('The model returned garbage.');
    expect(runs.started).toHaveLength(0);
    // Edited ticket: planned again.
    await processor.process({ ...issue, description: 'Clearer now.' }, field);
    expect(failing.inputs).toHaveLength(2);
  });

  it('a configuration problem of the model is explained once but retried on later polls', async () => {
    const failing = new FakePlanner(
      () => new PlanningError('llm_rejected', 'Bad API key.', { retryable: false, tokensUsed: 0 }),
    );
    const { processor, jira, ticket } = setup(failing);
    await processor.process(ticket('KHI-9'), field);
    await processor.process(ticket('KHI-9'), field);
    expect(failing.inputs).toHaveLength(2);
    expect(jira.commentsOf('KHI-9')).toHaveLength(1);
    expect(jira.commentsOf('KHI-9')[0]!.text).toContain('will try again');
  });

  it('a transient model outage posts nothing and is retried on the next poll', async () => {
    const failing = new FakePlanner(
      () => new PlanningError('llm_unavailable', 'Model down.', { retryable: true, tokensUsed: 0 }),
    );
    const { processor, jira, ticket } = setup(failing);
    expect(await processor.process(ticket('KHI-9'), field)).toEqual({ kind: 'skipped', reason: 'planning_failed' });
    await processor.process(ticket('KHI-9'), field);
    expect(failing.inputs).toHaveLength(2);
    expect(jira.commentsOf('KHI-9')).toHaveLength(0);
  });
});

describe('ticket processor: Jira requests only where needed', () => {
  const jiraMethods = (jira: FakeIssueTracker) => jira.calls.map((c) => c.method);

  it('plans and starts a new ticket without reading its changelog or comments', async () => {
    const { processor, jira, runs, ticket } = setup();
    expect(await processor.process(ticket('KHI-1'), field)).toMatchObject({ kind: 'started' });
    expect(runs.started).toHaveLength(1);
    expect(jiraMethods(jira)).toEqual([]);
  });

  it('skips a ticket whose run is open without any Jira request', async () => {
    const { processor, jira, runs, ticket } = setup();
    runs.addRun('khitomer-KHI-1', 'RUNNING', runStart);
    expect(await processor.process(ticket('KHI-1'), field)).toMatchObject({ reason: 'run_open' });
    expect(jiraMethods(jira)).toEqual([]);
  });

  it('reads the changelog after a closed run, once per version (`updated`) of the ticket', async () => {
    const { processor, jira, runs, ticket } = setup();
    runs.addRun('khitomer-KHI-1', 'COMPLETED', runStart);
    // The run commented on the ticket: updated after the run started.
    const issue = { ...ticket('KHI-1'), updated: '2030-01-02T00:05:00.000Z' };
    for (let i = 0; i < 3; i++) {
      expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'not_re_entered_ready' });
    }
    expect(jiraMethods(jira)).toEqual(['statusEnteredAt']);
    expect(jira.calls[0]!.args).toEqual(['KHI-1', READY]);

    // Moved out of ready and back: a new `updated`, so the changelog is read again and the ticket starts.
    const reEntered = '2030-01-02T00:10:00.000Z';
    jira.entered.set(`KHI-1|${READY}`, reEntered);
    runs.now = () => new Date('2030-01-02T00:11:00.000Z');
    expect(await processor.process({ ...issue, updated: reEntered }, field)).toMatchObject({ kind: 'started' });
    expect(jira.countCalls('statusEnteredAt')).toBe(2);
  });

  it('does not read the changelog of a ticket not updated since its closed run started', async () => {
    const { processor, jira, runs, ticket } = setup();
    runs.addRun('khitomer-KHI-1', 'FAILED', runStart);
    const issue = { ...ticket('KHI-1'), updated: runStart.toISOString() };
    expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'not_re_entered_ready' });
    expect(jiraMethods(jira)).toEqual([]);
  });

  it('reads comments only for a bad repository field, and not again once the problem is explained', async () => {
    const { processor, newProcessor, jira, ticket } = setup();
    await processor.process(ticket('KHI-2'), field);
    expect(jiraMethods(jira)).toEqual([]);

    const bad = ticket('KHI-7', 'not a repo');
    await processor.process(bad, field);
    expect(jiraMethods(jira)).toEqual(['statusEnteredAt', 'addComment']);
    for (let i = 0; i < 3; i++) await processor.process(bad, field);
    expect(jiraMethods(jira)).toEqual(['statusEnteredAt', 'addComment']);

    // A restarted (or second) leader checks the marker in Jira once and posts nothing new.
    const restarted = newProcessor();
    for (let i = 0; i < 3; i++) {
      expect(await restarted.process(bad, field)).toEqual({ kind: 'skipped', reason: 'repository_problem' });
    }
    expect(jira.countCalls('addComment')).toBe(2);
    expect(jira.commentsOf('KHI-7')).toHaveLength(1);
  });

  it('records a planning failure on the ticket so a restarted leader neither re-plans nor reads comments', async () => {
    const failing = new FakePlanner(
      () => new PlanningError('invalid_plan', 'The model returned garbage.', { retryable: false, tokensUsed: 50 }),
    );
    const { processor, newProcessor, jira, ticket } = setup(failing);
    jira.add(ticket('KHI-9'));
    const search = async () => {
      const found = await jira.searchIssues(`status = "${READY}"`, { properties: [...TICKET_ISSUE_PROPERTIES] });
      return found.find((i) => i.key === 'KHI-9')!;
    };
    expect(await processor.process(await search(), field)).toEqual({ kind: 'skipped', reason: 'planning_failed' });
    const property = jira.issueProperties.get('KHI-9')?.get('khitomer-leader');
    expect(property).toEqual({ planningFailure: jira.commentsOf('KHI-9')[0]!.marker });

    const restarted = newProcessor();
    const again = await search();
    jira.calls.length = 0;
    expect(await restarted.process(again, field)).toEqual({ kind: 'skipped', reason: 'planning_failed_before' });
    expect(failing.inputs).toHaveLength(1);
    expect(jiraMethods(jira)).toEqual(['statusEnteredAt']);
    // Edited ticket: planned again, and the new failure replaces the record.
    await restarted.process({ ...again, description: 'Clearer now.' }, field);
    expect(failing.inputs).toHaveLength(2);
    expect(jira.commentsOf('KHI-9')).toHaveLength(2);
    expect(jira.issueProperties.get('KHI-9')?.get('khitomer-leader')).toEqual({
      planningFailure: jira.commentsOf('KHI-9')[1]!.marker,
    });
  });

  it('still skips a failed plan in this leader when the ticket record cannot be written', async () => {
    const failing = new FakePlanner(
      () => new PlanningError('invalid_plan', 'The model returned garbage.', { retryable: false, tokensUsed: 50 }),
    );
    const { processor, jira, ticket } = setup(failing);
    jira.failNext('setIssueProperty', new IntegrationError('forbidden', 'no edit permission', { status: 403 }));
    const issue = ticket('KHI-9');
    expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'planning_failed' });
    expect(await processor.process(issue, field)).toEqual({ kind: 'skipped', reason: 'planning_failed_before' });
    expect(failing.inputs).toHaveLength(1);
    expect(jira.commentsOf('KHI-9')).toHaveLength(1);
  });
});
