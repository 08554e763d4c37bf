import { IntegrationError, type TrackerIssue } from '@khitomer/integrations';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TemporalUnavailableError } from '../temporal/run-errors.js';
import { FakeIssueTracker, makeIssue, silentLogger } from '../testing/fakes.js';
import type { PlanApprover } from './plan-approver.js';
import { createPoller, type PollerDeps } from './poller.js';
import { createPollerMetrics } from './poller-metrics.js';
import { createRepositoryFieldResolver, type RepositoryField } from './repository-field.js';
import type { TicketOutcome, TicketProcessor } from './ticket-processor.js';

/** Processor fake: answers per key, records calls. */
class FakeProcessor implements TicketProcessor {
  readonly calls: string[] = [];
  constructor(
    private readonly answer: (issue: TrackerIssue) => Promise<TicketOutcome> = async (issue) => ({
      kind: 'started',
      workflowId: `khitomer-${issue.key}`,
      runId: 'r',
    }),
  ) {}
  async process(issue: TrackerIssue, _field: RepositoryField): Promise<TicketOutcome> {
    this.calls.push(issue.key);
    return this.answer(issue);
  }
}

function setup(overrides: Partial<PollerDeps> = {}) {
  const jira = new FakeIssueTracker();
  jira.add(makeIssue({ key: 'KHI-1' })).add(makeIssue({ key: 'KHI-2' }));
  const registry = new Registry();
  const metrics = createPollerMetrics(registry);
  const processor = new FakeProcessor();
  const deps: PollerDeps = {
    issueTracker: jira,
    fieldResolver: createRepositoryFieldResolver(jira, 'Repository'),
    processor,
    projectKey: 'KHI',
    readyStatus: 'Ready for Development',
    inProgressStatus: 'In Progress',
    intervalMs: 1000,
    logger: silentLogger(),
    metrics,
    random: () => 0.5,
    ...overrides,
  };
  return { jira, registry, processor, poller: createPoller(deps) };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return Number(value?.value ?? 0);
}

const down = () => new IntegrationError('unavailable', 'Jira answered 503', { status: 503, system: 'jira' });

afterEach(() => {
  vi.useRealTimers();
});

describe('pollOnce', () => {
  it('searches the contract JQL with the repository field and hands every ticket to the processor', async () => {
    const { poller, jira, processor, registry } = setup();
    const result = await poller.pollOnce();
    expect(jira.searches).toEqual(['project = "KHI" AND status = "Ready for Development" ORDER BY created ASC']);
    const search = jira.calls.find((c) => c.method === 'searchIssues');
    expect(search?.args[1]).toEqual({ extraFields: ['customfield_10050'], properties: ['khitomer-leader'] });
    expect(processor.calls.sort()).toEqual(['KHI-1', 'KHI-2']);
    expect(result).toMatchObject({ ok: true, tickets: 2, failed: [] });
    expect(result.started.sort()).toEqual(['KHI-1', 'KHI-2']);
    expect(await metricValue(registry, 'khitomer_leader_polls_total', { outcome: 'ok' })).toBe(1);
  });

  it('never throws: a failed search (Jira down, 401, 429) is a failed poll with its reason, counted', async () => {
    const { poller, jira, processor, registry } = setup();
    jira.failNext(
      'searchIssues',
      down(),
      new IntegrationError('unauthorized', 'Jira answered 401', { status: 401, system: 'jira' }),
      new IntegrationError('rate_limited', 'Jira answered 429', { status: 429, system: 'jira', retryAfterMs: 7000 }),
    );
    const results = [await poller.pollOnce(), await poller.pollOnce(), await poller.pollOnce()];
    expect(results.map((r) => [r.ok, r.error?.code])).toEqual([
      [false, 'unavailable'],
      [false, 'unauthorized'],
      [false, 'rate_limited'],
    ]);
    expect(results[2]?.error?.retryAfterMs).toBe(7000);
    expect(poller.consecutiveFailures).toBe(3);
    expect(processor.calls).toEqual([]);
    expect(await metricValue(registry, 'khitomer_leader_polls_total', { outcome: 'failed' })).toBe(3);
    expect(await metricValue(registry, 'khitomer_leader_poll_failures_total', { reason: 'jira_unauthorized' })).toBe(1);
    expect(
      await metricValue(registry, 'khitomer_leader_api_errors_total', { system: 'jira', code: 'rate_limited' }),
    ).toBe(1);
    expect((await poller.pollOnce()).ok).toBe(true);
    expect(poller.consecutiveFailures).toBe(0);
  });

  it('one failing ticket does not stop the others', async () => {
    const processor = new FakeProcessor(async (issue) => {
      if (issue.key === 'KHI-1') throw new IntegrationError('network', 'GitHub unreachable', { system: 'github' });
      return { kind: 'skipped', reason: 'run_open' };
    });
    const { poller } = setup({ processor });
    const result = await poller.pollOnce();
    expect(result).toMatchObject({ ok: true, failed: ['KHI-1'], skipped: { 'KHI-2': 'run_open' } });
  });

  it('Temporal unreachable ends the poll as failed and leaves the remaining tickets for later', async () => {
    const processor = new FakeProcessor(async () => {
      throw new TemporalUnavailableError();
    });
    const { poller, jira } = setup({ processor, concurrency: 1 });
    jira.add(makeIssue({ key: 'KHI-3' }));
    const result = await poller.pollOnce();
    expect(result).toMatchObject({ ok: false, error: { system: 'temporal', code: 'unavailable' } });
    expect(processor.calls).toEqual(['KHI-1']);
  });

  it('polls never overlap, even when asked concurrently', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const processor = new FakeProcessor(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return { kind: 'skipped', reason: 'run_open' };
    });
    const { poller } = setup({ processor, concurrency: 1 });
    await Promise.all([poller.pollOnce(), poller.pollOnce(), poller.pollOnce()]);
    expect(maxInFlight).toBe(1);
    expect(poller.completedPolls).toBe(3);
  });

  it('with an approver, checks the in-progress tickets after the ready ones', async () => {
    const checked: string[] = [];
    const approver: PlanApprover = {
      async approveIfWaiting(issue) {
        checked.push(issue.key);
        return issue.key === 'KHI-5';
      },
    };
    const { poller, jira } = setup({ approver });
    jira
      .add(makeIssue({ key: 'KHI-5', status: 'In Progress' }))
      .add(makeIssue({ key: 'KHI-6', status: 'In Progress' }));
    const result = await poller.pollOnce();
    expect(jira.searches[1]).toBe('project = "KHI" AND status = "In Progress" ORDER BY created ASC');
    expect(checked).toEqual(['KHI-5', 'KHI-6']);
    expect(result.approved).toEqual(['KHI-5']);
  });
});

describe('the loop', () => {
  it('polls every interval, backs off after failures, recovers, and stops cleanly', async () => {
    vi.useFakeTimers();
    const { poller, jira } = setup();
    jira.failNext('searchIssues', down(), down(), down());
    const searches = () => jira.countCalls('searchIssues');
    poller.start();
    poller.start(); // idempotent
    await vi.advanceTimersByTimeAsync(0);
    expect(searches()).toBe(1);
    // After 1, 2, 3 failures: 2 s, 4 s, 8 s (interval 1 s doubled, no jitter at random 0.5).
    for (const [delay, expected] of [
      [2000, 2],
      [4000, 3],
      [8000, 4],
    ] as const) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(searches()).toBe(expected - 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(searches()).toBe(expected);
    }
    // Recovered: back to the interval.
    expect(poller.consecutiveFailures).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(searches()).toBe(5);
    await poller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(searches()).toBe(5);
  });

  it('honours Retry-After of a 429', async () => {
    vi.useFakeTimers();
    const { poller, jira } = setup();
    jira.failNext(
      'searchIssues',
      new IntegrationError('rate_limited', '429', { status: 429, system: 'jira', retryAfterMs: 60_000 }),
    );
    poller.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(jira.countCalls('searchIssues')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(jira.countCalls('searchIssues')).toBe(2);
    await poller.stop();
  });

  it('stop waits for the poll in flight and takes no further ticket', async () => {
    let release: () => void = () => {};
    const processor = new FakeProcessor(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ kind: 'skipped', reason: 'run_open' });
        }),
    );
    const { poller } = setup({ processor, concurrency: 1 });
    poller.start();
    await vi.waitFor(() => expect(processor.calls.length).toBe(1));
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    // Stopping aborted the poll: the second ticket was left for the next leader start.
    expect(processor.calls).toEqual(['KHI-1']);
  });
});
