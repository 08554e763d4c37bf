/**
 * The REST and gRPC façades end to end (issue 5 "Done when"): real HTTP and a real gRPC client
 * built from proto/leader.proto, against the real leader (service over Temporal), the real worker,
 * the Temporal dev server and the Jira/GitHub/LLM emulators. The poller is off: every run here
 * is started, inspected, approved and cancelled through the façades. Each test has its own world
 * (emulators, Jira project, task queue, worker, leader), so the tests run concurrently.
 */
import { randomBytes } from 'node:crypto';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { loadConfig } from '@khitomer/config';
import { createLogger } from '@khitomer/observability';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { bundleImplementationWorkflows, startWorkerRuntime, type WorkerRuntime } from '@khitomer/worker';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, inject, it, type TestContext } from 'vitest';
import { createLeaderClient, type LeaderClient } from '../grpc/index.js';
import { type Leader, startLeader } from '../leader.js';

const READY = 'Ready for Development';
const OWNER = 'acme';
const REPO = 'calculator';
const API_TOKEN = 'facade-int-token-0123456789';
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
let temporal: Client;

beforeAll(async () => {
  [bundleCode, connection] = await Promise.all([
    bundleImplementationWorkflows().then((bundle) => bundle.code),
    Connection.connect({ address: inject('temporalAddress') }),
  ]);
  temporal = new Client({ connection, namespace: inject('temporalNamespace') });
}, 120_000);

afterAll(async () => {
  await connection?.close();
});

/** Waits until `check` returns something truthy; fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 90_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The rejection of `promise` as a grpc-js ServiceError. */
async function grpcFailure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

interface World {
  stack: EmulatorStack;
  leader: Leader;
  grpc: LeaderClient;
  /** REST call with the API token. */
  rest(path: string, init?: RequestInit): Promise<Response>;
  /** Seeds a ready ticket whose agent scenario fixes add(). */
  seed(summary: string): string;
  pullsOf(key: string): ReturnType<EmulatorStack['github']['pulls']>;
}

async function createWorld(
  context: Pick<TestContext, 'onTestFinished'>,
  name: string,
  env: Record<string, string> = {},
): Promise<World> {
  const project = `F${randomBytes(4)
    .toString('hex')
    .replace(/\d/g, (d) => 'GHIJKLMNOP'[Number(d)]!)
    .toUpperCase()}`;
  const stack = await startEmulatorStack({ jira: { projects: [{ key: project, name: `Facades ${name}` }] } });
  const taskQueue = `facades-${name}-${project}`;
  const fullEnv = {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
    JIRA_PROJECT_KEY: project,
    API_TOKEN,
    ...env,
  };
  let worker: WorkerRuntime | undefined;
  let leader: Leader | undefined;
  let grpc: LeaderClient | undefined;
  context.onTestFinished(async () => {
    grpc?.close();
    await leader?.stop();
    await worker?.shutdown();
    await stack.close();
    for await (const run of temporal.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    })) {
      await temporal.workflow
        .getHandle(run.workflowId, run.runId)
        .terminate('test finished')
        .catch(() => undefined);
    }
  });

  const workerConfig = loadConfig(fullEnv, 'worker');
  worker = await startWorkerRuntime({
    config: workerConfig,
    logger: createLogger({ service: 'worker-test', level: 'warn', secrets: workerConfig.secretValues }),
    workflowBundle: { code: bundleCode },
    metricsPort: 0,
    temporalSdkMetrics: false,
    shutdownGraceMs: 1_000,
  });
  const leaderConfig = loadConfig(fullEnv, 'leader');
  leader = await startLeader({
    config: leaderConfig,
    logger: createLogger({ service: 'leader-test', level: 'warn', secrets: leaderConfig.secretValues }),
    restHost: '127.0.0.1',
    restPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    startPolling: false,
  });
  grpc = createLeaderClient(leader.grpcAddress, { apiToken: API_TOKEN, timeoutMs: 30_000 });
  const restUrl = leader.restUrl;

  return {
    stack,
    leader,
    grpc,
    rest: (path, init = {}) =>
      fetch(`${restUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json', ...init.headers },
      }),
    seed(summary) {
      const key = stack.jira.seedIssue({
        summary,
        description: 'add(2, 3) returns -1 instead of 5.',
        status: READY,
        projectKey: project,
        repository: `${OWNER}/${REPO}`,
      });
      stack.llm.addScenario(key, [
        { toolCalls: [FIX_ADD] },
        { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now returns a + b.' } }] },
      ]);
      return key;
    },
    pullsOf: (key) => stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`)),
  };
}

interface RestRun {
  workflow_id: string;
  run_id: string;
  status: string;
  stage: string;
  pull_request_url: string | null;
  closed_at: string | null;
}

describe.concurrent('façades end to end', () => {
  it('REST over real HTTP: start → RUNNING with a stage → COMPLETED with the PR; tasks list it; 409/404/401', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished }, 'rest');
    const key = world.seed('Fix add via REST');
    const body = JSON.stringify({ jira_ticket_id: key, repository_owner: OWNER, repository_name: REPO });

    const started = await world.rest('/api/v1/workflows', { method: 'POST', body });
    expect(started.status).toBe(201);
    const start = (await started.json()) as { workflow_id: string; run_id: string; status: string };
    expect(start).toMatchObject({ workflow_id: `khitomer-${key}`, status: 'RUNNING' });

    const running = (await (await world.rest(`/api/v1/workflows/${start.workflow_id}`)).json()) as RestRun;
    expect(running).toMatchObject({ workflow_id: start.workflow_id, run_id: start.run_id, jira_ticket_id: key });
    expect(running.stage).toMatch(/^[a-z_]+$/);

    // The run is still open (it clones, plans, edits and tests first): 409 with its ids.
    const again = await world.rest('/api/v1/workflows', { method: 'POST', body });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      error: { code: 'already_exists', details: { workflow_id: start.workflow_id, run_id: start.run_id } },
    });

    const done = await waitFor('the REST run to complete', async () => {
      const view = (await (await world.rest(`/api/v1/workflows/${start.workflow_id}`)).json()) as RestRun;
      return view.status === 'RUNNING' ? undefined : view;
    });
    expect(done).toMatchObject({ status: 'COMPLETED', stage: 'completed' });
    expect(done.pull_request_url).toMatch(/\/pull\/\d+$/);
    expect(done.closed_at).not.toBeNull();
    expect(world.pullsOf(key)).toHaveLength(1);

    await waitFor('the tasks list to show the ticket', async () => {
      const page = (await (await world.rest('/api/v1/tasks?limit=100')).json()) as {
        tasks: { jira_ticket_id: string; status: string }[];
      };
      return page.tasks.some((t) => t.jira_ticket_id === key && t.status === 'COMPLETED');
    });

    const unknown = await world.rest('/api/v1/workflows/khitomer-NOPE-404');
    expect(unknown.status).toBe(404);
    const unauthenticated = await fetch(`${world.leader.restUrl}/api/v1/tasks`);
    expect(unauthenticated.status).toBe(401);
    expect((await fetch(`${world.leader.restUrl}/health`)).status).toBe(200);
    expect((await world.rest('/ready')).status).toBe(200);
  });

  it('gRPC with a client built from the proto: start → RUNNING → COMPLETED with the PR; tasks; error codes', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished }, 'grpc');
    const key = world.seed('Fix add via gRPC');
    const request = { jira_ticket_id: key, repository_owner: OWNER, repository_name: REPO };

    const start = await world.grpc.startWorkflow(request);
    expect(start).toMatchObject({ workflow_id: `khitomer-${key}`, status: 'RUNNING' });
    const running = await world.grpc.getWorkflowStatus({ workflow_id: start.workflow_id });
    expect(running).toMatchObject({ run_id: start.run_id, jira_ticket_id: key, repository: `${OWNER}/${REPO}` });
    expect(running.stage).toMatch(/^[a-z_]+$/);

    const duplicate = await grpcFailure(world.grpc.startWorkflow(request));
    expect(duplicate.code).toBe(grpcStatus.ALREADY_EXISTS);
    expect(duplicate.details).toContain(start.workflow_id);

    const done = await waitFor('the gRPC run to complete', async () => {
      const view = await world.grpc.getWorkflowStatus({ workflow_id: start.workflow_id });
      return view.status === 'RUNNING' ? undefined : view;
    });
    expect(done).toMatchObject({ status: 'COMPLETED', stage: 'completed' });
    expect(done.pull_request_url).toMatch(/\/pull\/\d+$/);
    expect(done.closed_at).toBeTruthy();

    await waitFor('GetProcessedTasks to show the ticket', async () => {
      const page = await world.grpc.getProcessedTasks({ limit: 100 });
      return page.tasks.some((t) => t.jira_ticket_id === key && t.status === 'COMPLETED');
    });

    const notFound = await grpcFailure(world.grpc.getWorkflowStatus({ workflow_id: 'khitomer-NOPE-404' }));
    expect(notFound.code).toBe(grpcStatus.NOT_FOUND);
    const invalid = await grpcFailure(world.grpc.call('StartWorkflow', { ...request, jira_ticket_id: '' }));
    expect(invalid.code).toBe(grpcStatus.INVALID_ARGUMENT);
    const anonymous = createLeaderClient(world.leader.grpcAddress);
    const unauthenticated = await grpcFailure(anonymous.getProcessedTasks({}));
    anonymous.close();
    expect(unauthenticated.code).toBe(grpcStatus.UNAUTHENTICATED);
  });

  it('PLAN_APPROVAL=required: approve over REST and gRPC completes; cancel over REST and gRPC → CANCELED; reject ends the run', async ({
    onTestFinished,
    expect,
  }) => {
    const world = await createWorld({ onTestFinished }, 'approval', { PLAN_APPROVAL: 'required' });
    const keys = {
      approveRest: world.seed('Approve via REST'),
      approveGrpc: world.seed('Approve via gRPC'),
      cancelRest: world.seed('Cancel via REST'),
      cancelGrpc: world.seed('Cancel via gRPC'),
      rejectRest: world.seed('Reject via REST'),
    };
    const ids: Record<keyof typeof keys, string> = { ...keys };
    for (const [name, key] of Object.entries(keys) as [keyof typeof keys, string][]) {
      const started = await world.rest('/api/v1/workflows', {
        method: 'POST',
        body: JSON.stringify({ jira_ticket_id: key, repository_owner: OWNER, repository_name: REPO }),
      });
      expect(started.status, key).toBe(201);
      ids[name] = ((await started.json()) as { workflow_id: string }).workflow_id;
    }
    for (const id of Object.values(ids)) {
      await waitFor(`${id} to await approval`, async () => {
        const view = await world.grpc.getWorkflowStatus({ workflow_id: id });
        return view.status === 'RUNNING' && view.stage === 'awaiting_approval';
      });
    }

    const approvedRest = await world.rest(`/api/v1/workflows/${ids.approveRest}/approve`, { method: 'POST' });
    expect(approvedRest.status).toBe(200);
    expect(await approvedRest.json()).toEqual({ workflow_id: ids.approveRest, status: 'APPROVED' });
    expect(await world.grpc.approvePlan({ workflow_id: ids.approveGrpc })).toEqual({
      workflow_id: ids.approveGrpc,
      status: 'APPROVED',
    });
    const cancelledRest = await world.rest(`/api/v1/workflows/${ids.cancelRest}`, { method: 'DELETE' });
    expect(cancelledRest.status).toBe(202);
    expect(await cancelledRest.json()).toEqual({ workflow_id: ids.cancelRest, status: 'CANCEL_REQUESTED' });
    expect(await world.grpc.cancelWorkflow({ workflow_id: ids.cancelGrpc })).toEqual({
      workflow_id: ids.cancelGrpc,
      status: 'CANCEL_REQUESTED',
    });
    const rejected = await world.rest(`/api/v1/workflows/${ids.rejectRest}/reject`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'touches the wrong module' }),
    });
    expect(rejected.status).toBe(200);

    const closed = async (id: string) =>
      waitFor(`${id} to close`, async () => {
        const view = (await (await world.rest(`/api/v1/workflows/${id}`)).json()) as RestRun;
        return view.status === 'RUNNING' ? undefined : view;
      });
    for (const id of [ids.approveRest, ids.approveGrpc]) {
      const view = await closed(id);
      expect(view.status, id).toBe('COMPLETED');
      expect(view.pull_request_url, id).toMatch(/\/pull\/\d+$/);
    }
    for (const id of [ids.cancelRest, ids.cancelGrpc]) expect((await closed(id)).status, id).toBe('CANCELED');
    const rejectedView = await closed(ids.rejectRest);
    expect(rejectedView.status).not.toBe('COMPLETED');
    expect(rejectedView.pull_request_url).toBeNull();
    for (const key of [keys.cancelRest, keys.cancelGrpc, keys.rejectRest]) expect(world.pullsOf(key), key).toEqual([]);

    // A closed run can be neither cancelled nor approved again.
    const late = await world.rest(`/api/v1/workflows/${ids.cancelRest}`, { method: 'DELETE' });
    expect(late.status).toBe(409);
    const lateApprove = await grpcFailure(world.grpc.approvePlan({ workflow_id: ids.cancelGrpc }));
    expect(lateApprove.code).toBe(grpcStatus.FAILED_PRECONDITION);
  });
});
