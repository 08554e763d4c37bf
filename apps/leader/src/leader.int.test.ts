/**
 * The leader end to end (issue 4 "Done when"): real Temporal dev server, the real worker, the
 * Jira/GitHub/LLM emulators, real git. Each test has its own emulators, Jira project, task queue,
 * worker and leader(s), so the tests run concurrently; everything is stopped when a test ends.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { type KhitomerConfig, loadConfig } from '@khitomer/config';
import { createJiraIssueTracker } from '@khitomer/integrations';
import { createLogger, type Logger } from '@khitomer/observability';
import { type EmulatorStack, type EmulatorStackOptions, startEmulatorStack } from '@khitomer/testkit/stack';
import { bundleImplementationWorkflows, startWorkerRuntime, type WorkerRuntime } from '@khitomer/worker';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, inject, it, type TestContext } from 'vitest';
import { createLeaderClient } from './grpc/index.js';
import { type Leader, type LeaderOptions, startLeader } from './leader.js';

const READY = 'Ready for Development';
const OWNER = 'acme';
const REPO = 'calculator';
const FIX_ADD = {
  name: 'edit_file',
  arguments: {
    path: 'src/calculator.js',
    old_string: 'export function add(a, b) {\n  return a - b;',
    new_string: 'export function add(a, b) {\n  return a + b;',
  },
};

let bundleCode: string;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  [bundleCode, connection] = await Promise.all([
    bundleImplementationWorkflows().then((bundle) => bundle.code),
    Connection.connect({ address: inject('temporalAddress') }),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
}, 120_000);

afterAll(async () => {
  await connection?.close();
});

/** Waits until `check` returns something truthy; fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** One test's world: emulators, a Jira project of its own, a task queue, workers and leaders. */
interface World {
  stack: EmulatorStack;
  project: string;
  /** Captured JSON log lines of every leader of this world. */
  logs: string[];
  startWorker(): Promise<WorkerRuntime>;
  startLeader(options?: Partial<LeaderOptions> & { env?: Record<string, string> }): Promise<Leader>;
  /** Seeds a ticket; tickets naming acme/calculator get an agent scenario that fixes add(). */
  seed(summary: string, options?: { repository?: string | null; status?: string; projectKey?: string }): string;
  pullsOf(key: string): ReturnType<EmulatorStack['github']['pulls']>;
  /** Runs of the ticket in Temporal visibility (eventually consistent). */
  runCount(key: string): Promise<number>;
  metric(leader: Leader, name: string): Promise<number>;
}

async function createWorld(
  context: Pick<TestContext, 'onTestFinished' | 'expect'>,
  name: string,
  options: { jira?: EmulatorStackOptions['jira']; env?: Record<string, string>; otherProject?: string } = {},
): Promise<World> {
  const { onTestFinished, expect } = context;
  const project = `L${randomBytes(4)
    .toString('hex')
    .replace(/\d/g, (d) => 'GHIJKLMNOP'[Number(d)]!)
    .toUpperCase()}`;
  const projects = [{ key: project, name: `Leader ${name}` }];
  if (options.otherProject) projects.push({ key: options.otherProject, name: 'Other project' });
  const stack = await startEmulatorStack({ jira: { ...options.jira, projects } });
  const taskQueue = `leader-${name}-${project}`;
  const env = {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
    JIRA_PROJECT_KEY: project,
    JIRA_POLL_INTERVAL: '300ms',
    ...options.env,
  };
  const logs: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const workers: WorkerRuntime[] = [];
  const leaders: Leader[] = [];

  onTestFinished(async () => {
    await Promise.all(leaders.map((l) => l.stop()));
    await Promise.all(workers.map((w) => w.shutdown()));
    await stack.close();
    // Whatever a failed test left open must not linger in the shared Temporal server.
    for await (const run of client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    })) {
      await client.workflow
        .getHandle(run.workflowId, run.runId)
        .terminate('test finished')
        .catch(() => undefined);
    }
    // Secrets never reach a leader log line.
    for (const secret of stack.secretValues) expect(logs.join('\n')).not.toContain(secret);
  });

  return {
    stack,
    project,
    logs,
    async startWorker() {
      const config = loadConfig(env, 'worker');
      const runtime = await startWorkerRuntime({
        config,
        logger: createLogger({ service: 'worker-test', level: 'warn', secrets: config.secretValues }),
        workflowBundle: { code: bundleCode },
        metricsPort: 0,
        temporalSdkMetrics: false,
        shutdownGraceMs: 1_000,
      });
      workers.push(runtime);
      return runtime;
    },
    async startLeader(overrides = {}) {
      const config: KhitomerConfig = loadConfig({ ...env, ...overrides.env }, 'leader');
      const logger: Logger = createLogger({
        service: 'leader',
        level: 'info',
        secrets: config.secretValues,
        destination: sink,
      });
      const leader = await startLeader({
        config,
        logger,
        restHost: '127.0.0.1',
        restPort: 0,
        grpcHost: '127.0.0.1',
        grpcPort: 0,
        ...overrides,
      });
      leaders.push(leader);
      return leader;
    },
    seed(summary, seedOptions = {}) {
      const repository = seedOptions.repository === undefined ? `${OWNER}/${REPO}` : seedOptions.repository;
      const key = stack.jira.seedIssue({
        summary,
        description: 'add(2, 3) returns -1 instead of 5.',
        status: seedOptions.status ?? READY,
        projectKey: seedOptions.projectKey ?? project,
        ...(repository === null ? {} : { repository }),
      });
      stack.llm.addScenario(key, [
        { toolCalls: [FIX_ADD] },
        { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now returns a + b.' } }] },
      ]);
      return key;
    },
    pullsOf(key) {
      return stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`));
    },
    async runCount(key) {
      return (await client.workflow.count(`JiraIssueKey = "${key}"`)).count;
    },
    async metric(leader, metricName) {
      const text = await fetch(`${leader.restUrl}/metrics`).then((r) => r.text());
      const line = text.split('\n').find((l) => l.startsWith(`${metricName}{`) || l.startsWith(`${metricName} `));
      return line ? Number(line.split(' ').pop()) : 0;
    },
  };
}

/** Waits until the ticket's latest run has closed, and returns how it ended. */
async function closedRun(leader: Leader, key: string, timeoutMs = 90_000) {
  return waitFor(
    `the run of ${key} to close`,
    async () => {
      const view = await leader.service.get(`khitomer-${key}`).catch(() => undefined);
      return view && view.status !== 'RUNNING' ? view : undefined;
    },
    timeoutMs,
  );
}

/** Lets `count` more polls of `leader` finish. */
async function morePolls(leader: Leader, count: number): Promise<void> {
  const target = leader.poller.completedPolls + count;
  await waitFor(`${count} more polls`, () => leader.poller.completedPolls >= target, 30_000);
}

describe.concurrent('leader end to end', () => {
  it('3 ready tickets → 3 workflows → 3 PRs; tickets in another status or project are untouched', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished, expect }, 'three', { otherProject: 'OTHERP' });
    const keys = ['Fix add one', 'Fix add two', 'Fix add three'].map((s) => world.seed(s));
    const todo = world.seed('Not ready yet', { status: 'To Do' });
    const other = world.seed('Ready elsewhere', { projectKey: 'OTHERP' });
    await world.startWorker();
    const leader = await world.startLeader();

    for (const key of keys) {
      const view = await closedRun(leader, key);
      expect(view).toMatchObject({ status: 'COMPLETED', stage: 'completed', jira_ticket_id: key });
      expect(view.pull_request_url).toMatch(/\/pull\/\d+$/);
      expect(world.pullsOf(key)).toHaveLength(1);
      expect(world.stack.jira.getIssue(key).status).toBe('In Review');
    }
    await morePolls(leader, 2);
    for (const untouched of [todo, other]) {
      await expect(leader.service.get(`khitomer-${untouched}`)).rejects.toMatchObject({ code: 'not_found' });
      expect(world.stack.jira.comments(untouched)).toEqual([]);
      expect(world.pullsOf(untouched)).toEqual([]);
    }
    expect(world.stack.github.pulls(OWNER, REPO)).toHaveLength(3);
    expect(await world.metric(leader, 'khitomer_leader_tickets_started_total')).toBe(3);
    // Processed tasks come from Temporal visibility.
    await waitFor('visibility to list the three runs', async () => {
      const counts = await Promise.all(keys.map((k) => world.runCount(k)));
      return counts.every((c) => c === 1);
    });
  });

  it('a ticket left in ready after its run is not started again until it leaves ready and comes back', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished, expect }, 'rerun', { jira: { transitions: 'none' } });
    const key = world.seed('Fix add once');
    await world.startWorker();
    const leader = await world.startLeader({ startPolling: false });

    expect((await leader.poller.pollOnce()).started).toEqual([key]);
    const first = await closedRun(leader, key);
    expect(first.status).toBe('COMPLETED');
    expect(world.stack.jira.getIssue(key).status).toBe(READY); // no transitions configured

    for (let i = 0; i < 5; i++) {
      const poll = await leader.poller.pollOnce();
      expect(poll).toMatchObject({ ok: true, started: [], skipped: { [key]: 'not_re_entered_ready' } });
    }
    expect((await leader.service.get(`khitomer-${key}`)).run_id).toBe(first.run_id);

    world.stack.jira.moveIssue(key, 'To Do');
    world.stack.jira.moveIssue(key, READY);
    expect((await leader.poller.pollOnce()).started).toEqual([key]);
    const second = await closedRun(leader, key);
    expect(second.run_id).not.toBe(first.run_id);
    expect(second.status).toBe('COMPLETED');
    expect((await leader.poller.pollOnce()).skipped[key]).toBe('not_re_entered_ready');
    await waitFor('visibility to show exactly two runs', async () => (await world.runCount(key)) === 2);
    // The second run reused the open PR of the ticket's branch.
    expect(world.pullsOf(key)).toHaveLength(1);
  });

  it('two leaders polling the same project start one run per ticket', async ({ onTestFinished, expect }) => {
    const world = await createWorld({ onTestFinished, expect }, 'two-leaders');
    const keys = [world.seed('Fix add alpha'), world.seed('Fix add beta')];
    await world.startWorker();
    const a = await world.startLeader({ startPolling: false });
    const b = await world.startLeader({ startPolling: false });

    // The same poll at the same moment on both: each ticket is started by exactly one of them.
    const [pa, pb] = await Promise.all([a.poller.pollOnce(), b.poller.pollOnce()]);
    expect([...pa.started, ...pb.started].sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const lost = pa.started.includes(key) ? pb.skipped[key] : pa.skipped[key];
      expect(['started_elsewhere', 'run_open']).toContain(lost);
    }
    // Then both keep polling while the runs go on and after they end.
    a.poller.start();
    b.poller.start();
    const firstRuns = await Promise.all(keys.map((key) => closedRun(a, key)));
    await Promise.all([morePolls(a, 3), morePolls(b, 3)]);
    for (const [i, key] of keys.entries()) {
      expect(firstRuns[i]?.status).toBe('COMPLETED');
      expect((await a.service.get(`khitomer-${key}`)).run_id).toBe(firstRuns[i]?.run_id);
      expect(world.pullsOf(key)).toHaveLength(1);
    }
    const started =
      (await world.metric(a, 'khitomer_leader_tickets_started_total')) +
      (await world.metric(b, 'khitomer_leader_tickets_started_total'));
    expect(started).toBe(2);
    await waitFor('visibility to settle on one run per ticket', async () => {
      const counts = await Promise.all(keys.map((k) => world.runCount(k)));
      return counts.every((c) => c === 1);
    });
  });

  it('missing field, "not a repo", unknown repository: one explanatory comment each, no run, leader keeps going', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished, expect }, 'bad-repos');
    const missing = world.seed('No repository', { repository: null });
    const notARepo = world.seed('Free text', { repository: 'not a repo' });
    const unknown = world.seed('Ghost repo', { repository: 'acme/ghost' });
    const good = world.seed('Fix add good');
    await world.startWorker();
    const leader = await world.startLeader();

    await closedRun(leader, good);
    expect(world.pullsOf(good)).toHaveLength(1);
    await morePolls(leader, 3);
    // Comment once also across a restart and a second leader: the marker lives in Jira.
    await leader.stop();
    const next = await world.startLeader();
    await morePolls(next, 3);

    const expectations: [string, string, string][] = [
      [missing, '(empty)', 'The field is empty.'],
      [notARepo, '"not a repo"', 'contains spaces'],
      [unknown, '"acme/ghost"', 'does not exist on GitHub'],
    ];
    for (const [key, value, problem] of expectations) {
      const comments = world.stack.jira.comments(key);
      expect(comments, key).toHaveLength(1);
      const text = comments[0]!.text;
      expect(text).toContain('"Repository" field');
      expect(text).toContain(`Value found: ${value}`);
      expect(text).toContain(problem);
      expect(text).toContain('acme/payments'); // an example of a good value
      expect(comments[0]!.properties.khitomer).toMatchObject({ marker: expect.stringMatching(/^khitomer-leader:/) });
      await expect(next.service.get(`khitomer-${key}`)).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(next.poller.consecutiveFailures).toBe(0);
    expect(await fetch(`${next.restUrl}/health`).then((r) => r.status)).toBe(200);
  });

  it('Jira down for 3 polls then back: the leader recovers without crashing and starts the ticket once', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished, expect }, 'jira-down');
    const key = world.seed('Fix add after outage');
    await world.startWorker();
    const removeFault = world.stack.jira.faults.add({ path: '/rest/*', status: 503 });
    // No in-process retries: each poll meets the outage directly.
    const issueTracker = createJiraIssueTracker({
      baseUrl: world.stack.env.JIRA_BASE_URL!,
      username: world.stack.env.JIRA_USERNAME!,
      apiToken: world.stack.env.JIRA_TOKEN!,
      retry: { retries: 0 },
    });
    const leader = await world.startLeader({ issueTracker });

    await waitFor('3 failed polls', () => leader.poller.consecutiveFailures >= 3);
    removeFault();
    const view = await closedRun(leader, key);
    expect(view.status).toBe('COMPLETED');
    await morePolls(leader, 3);
    expect(leader.poller.consecutiveFailures).toBe(0);
    expect((await leader.service.get(`khitomer-${key}`)).run_id).toBe(view.run_id);
    expect(world.pullsOf(key)).toHaveLength(1);
    expect(await world.metric(leader, 'khitomer_leader_tickets_started_total')).toBe(1);
    expect(await world.metric(leader, 'khitomer_leader_poll_failures_total')).toBeGreaterThanOrEqual(3);
    const failures = world.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'poll failed; retrying with backoff');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]).toMatchObject({ level: 'warn', component: 'poller', system: 'jira', code: 'unavailable' });
    await waitFor('visibility to show one run', async () => (await world.runCount(key)) === 1);
  });

  it('PLAN_APPROVAL=required: plan posted, nothing pushed until the ticket moves to In Progress, then it completes', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished, expect }, 'approval', { env: { PLAN_APPROVAL: 'required' } });
    const key = world.seed('Fix add with approval');
    await world.startWorker();
    const leader = await world.startLeader();

    await waitFor('the run to wait for approval', async () => {
      const view = await leader.service.get(`khitomer-${key}`).catch(() => undefined);
      return view?.stage === 'awaiting_approval';
    });
    const planComment = await waitFor('the plan comment', () =>
      world.stack.jira
        .comments(key)
        .find((c) =>
          ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:plan'),
        ),
    );
    expect(planComment.text.length).toBeGreaterThan(20);
    await morePolls(leader, 4);
    expect((await leader.service.get(`khitomer-${key}`)).stage).toBe('awaiting_approval');
    const branches = await world.stack.github.branches(OWNER, REPO);
    expect(branches.filter((b) => b.name.startsWith(`khitomer/${key}`))).toEqual([]);
    expect(world.pullsOf(key)).toEqual([]);

    world.stack.jira.moveIssue(key, 'In Progress');
    const view = await closedRun(leader, key);
    expect(view.status).toBe('COMPLETED');
    expect(world.pullsOf(key)).toHaveLength(1);
    expect(await world.metric(leader, 'khitomer_leader_plans_approved_total')).toBe(1);
  });

  it('REST and gRPC drive runs through the service: start, 409, status, approve, tasks, force, cancel', async ({
    onTestFinished,
    expect,
  }) => {
    const apiToken = 'e2e-api-token-0123456789';
    const world = await createWorld({ onTestFinished, expect }, 'api', {
      env: { PLAN_APPROVAL: 'required', API_TOKEN: apiToken },
    });
    // Not in the ready status: only the API starts it.
    const key = world.seed('Fix add via the API', { status: 'To Do' });
    await world.startWorker();
    const leader = await world.startLeader();
    const headers = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    const rest = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${leader.restUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const workflowId = `khitomer-${key}`;
    const startBody = { jira_ticket_id: key, repository_owner: OWNER, repository_name: REPO };

    expect((await fetch(`${leader.restUrl}/api/v1/tasks`)).status).toBe(401);
    expect(await rest('GET', '/ready')).toEqual({ status: 200, body: { status: 'ready', temporal: true, jira: true } });
    const started = await rest('POST', '/api/v1/workflows', startBody);
    expect(started).toMatchObject({ status: 201, body: { workflow_id: workflowId, status: 'RUNNING' } });
    const duplicate = await rest('POST', '/api/v1/workflows', { ...startBody, force: true });
    expect(duplicate.status).toBe(409);
    expect(JSON.stringify(duplicate.body)).toContain(String(started.body.run_id));

    await waitFor('the API-started run to wait for approval', async () => {
      const view = await rest('GET', `/api/v1/workflows/${workflowId}`);
      return view.body.stage === 'awaiting_approval';
    });
    const grpc = createLeaderClient(leader.grpcAddress, { apiToken });
    onTestFinished(() => grpc.close());
    expect(await grpc.getWorkflowStatus({ workflow_id: workflowId })).toMatchObject({
      workflow_id: workflowId,
      jira_ticket_id: key,
      repository: `${OWNER}/${REPO}`,
      stage: 'awaiting_approval',
    });
    expect(await rest('POST', `/api/v1/workflows/${workflowId}/approve`, {})).toEqual({
      status: 200,
      body: { workflow_id: workflowId, status: 'APPROVED' },
    });
    const done = await closedRun(leader, key);
    expect(done).toMatchObject({ status: 'COMPLETED', run_id: started.body.run_id });
    expect(world.pullsOf(key)).toHaveLength(1);
    await waitFor('the run among the processed tasks', async () => {
      const page = await rest('GET', '/api/v1/tasks?limit=200');
      const tasks = page.body.tasks as { workflow_id: string; status: string }[];
      return tasks.some((t) => t.workflow_id === workflowId && t.status === 'COMPLETED');
    });

    // A closed ticket is re-run only with force; the new run can be cancelled.
    expect((await rest('POST', '/api/v1/workflows', startBody)).status).toBe(409);
    const forced = await rest('POST', '/api/v1/workflows', { ...startBody, force: true });
    expect(forced.status).toBe(201);
    expect(forced.body.run_id).not.toBe(started.body.run_id);
    expect(await rest('DELETE', `/api/v1/workflows/${workflowId}`)).toEqual({
      status: 202,
      body: { workflow_id: workflowId, status: 'CANCEL_REQUESTED' },
    });
    const cancelled = await closedRun(leader, key);
    expect(cancelled).toMatchObject({ status: 'CANCELED', run_id: forced.body.run_id, stage: 'cancelled' });
  });
});
