/**
 * ImplementationWorkflow under failure: the worker holding the clone killed mid-agent, Jira and
 * GitHub failing 30 % of calls, and a cancel mid-agent. Real Temporal dev server, emulators, git,
 * and the real worker process (`main.ts`) as a child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@khitomer/config';
import {
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  statusQuery,
  type WorkflowTimeouts,
} from '@khitomer/contracts';
import { createLogger } from '@khitomer/observability';
import { freeLoopbackPort } from '@khitomer/testkit';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorkerRuntime, type WorkerRuntime } from './worker-runtime.js';
import { bundleImplementationWorkflows } from './workflow-bundle.js';

const PROJECT = 'WDUR';
const OWNER = 'acme';
const REPO = 'calculator';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Short host timeouts: a dead host is noticed after ~4 s heartbeat + 0.5 s + 4 s schedule-to-start. */
const TIMEOUTS: Partial<WorkflowTimeouts> = {
  heartbeatMs: 4_000,
  hostScheduleToStartMs: 4_000,
  retryInitialIntervalMs: 500,
  externalCallMs: 30_000,
};
const FIX_ADD = {
  name: 'edit_file',
  arguments: {
    path: 'src/calculator.js',
    old_string: 'export function add(a, b) {\n  return a - b;',
    new_string: 'export function add(a, b) {\n  return a + b;',
  },
};
const SCENARIO = [
  { toolCalls: [{ name: 'read_file', arguments: { path: 'src/calculator.js', start_line: null, end_line: null } }] },
  { toolCalls: [FIX_ADD] },
  { toolCalls: [{ name: 'run_tests', arguments: {} }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() returns the sum.' } }] },
];

let stack: EmulatorStack;
let connection: Connection;
let client: Client;
let bundleCode: string;
const runtimes: WorkerRuntime[] = [];
const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  [stack, connection, bundleCode] = await Promise.all([
    startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Worker durability' }] } }),
    Connection.connect({ address: inject('temporalAddress') }),
    bundleImplementationWorkflows().then((b) => b.code),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown()));
});

afterAll(async () => {
  await connection?.close();
  await stack?.close();
});

function workerEnv(taskQueue: string): Record<string, string> {
  return {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
  };
}

async function startInProcessWorker(taskQueue: string): Promise<WorkerRuntime> {
  const config = loadConfig(workerEnv(taskQueue), 'worker');
  const logger = createLogger({ service: 'worker-test', level: 'error', secrets: config.secretValues });
  const runtime = await startWorkerRuntime({
    config,
    logger,
    workflowBundle: { code: bundleCode },
    metricsPort: 0,
    temporalSdkMetrics: false,
    shutdownGraceMs: 1_000,
  });
  runtimes.push(runtime);
  return runtime;
}

/** Runs `pnpm start:worker`'s command as a child and waits for its "worker started" line. */
async function startChildWorker(
  taskQueue: string,
): Promise<{ child: ChildProcess; hostQueue: string; metricsUrl: string; output: string[] }> {
  const metricsPort = await freeLoopbackPort();
  const child = spawn(
    process.execPath,
    ['--conditions=@khitomer/source', '--import', 'tsx', 'apps/worker/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LANG: 'C.UTF-8',
        ...workerEnv(taskQueue),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child worker did not start:\n${output.join('').slice(-3000)}`)),
      90_000,
    );
    const onLine = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output.push(text);
      for (const line of text.split('\n')) {
        if (!line.includes('"worker started"')) continue;
        const parsed = JSON.parse(line) as { hostQueue: string; metricsUrl: string };
        clearTimeout(timer);
        resolve({ child, hostQueue: parsed.hostQueue, metricsUrl: parsed.metricsUrl, output });
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // After a successful start this rejection is ignored (the promise is already settled).
      reject(new Error(`child worker exited (${code ?? signal}):\n${output.join('').slice(-3000)}`));
    });
  });
}

function seedTicket(summary: string): string {
  return stack.jira.seedIssue({ summary, status: 'Ready for Development', repository: `${OWNER}/${REPO}` });
}

function inputFor(key: string, summary: string): ImplementationWorkflowInput {
  return {
    jiraIssueKey: key,
    summary,
    description: 'add(2, 3) returns -1 instead of 5.',
    repository: { owner: OWNER, name: REPO },
    plan: {
      summary: 'Make add() return the sum',
      steps: [{ title: 'Fix add', details: 'Use + instead of -', files: ['src/calculator.js'] }],
      test_strategy: 'npm test',
      risks: [],
    },
    options: {
      planApprovalRequired: false,
      approvalTimeoutMs: 60_000,
      agentMaxSteps: 20,
      agentMaxTokens: 400_000,
      planTokensUsed: 500,
      testTimeoutMs: 60_000,
      jiraBaseUrl: stack.jira.url,
      maxWorkspaceAttempts: 3,
      timeouts: TIMEOUTS,
    },
  };
}

async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function chatRequestsFor(key: string): number {
  return stack.llm.chatRequests.filter((r) => r.ticketKey === key).length;
}

function finalComments(key: string) {
  return stack.jira
    .comments(key)
    .filter((c) =>
      ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:final:'),
    );
}

describe('ImplementationWorkflow durability', () => {
  it('the worker holding the workspace is SIGKILLed mid-agent: the run completes with one PR and one final comment', async () => {
    const taskQueue = `durability-kill-${Date.now()}`;
    const summary = 'Fix add after a crash';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, SCENARIO);
    const removeLatency = stack.llm.faults.add({ path: '/v1/chat/completions', latencyMs: 1_500 });
    cleanups.push(removeLatency);

    const host = await startChildWorker(taskQueue);
    // The real process serves our metrics and the Temporal SDK's on /metrics.
    const metrics = await waitFor(
      'worker metrics',
      async () => {
        const text = await fetch(host.metricsUrl).then((r) => r.text());
        return text.includes('khitomer_worker_runs_total') && text.includes('temporal_') ? text : undefined;
      },
      20_000,
    );
    expect(metrics).toContain('service="worker"');

    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary)],
    });
    await waitFor('the agent to be mid-loop on the child', () => chatRequestsFor(key) >= 2, 60_000);
    const survivor = await startInProcessWorker(taskQueue);
    const killedAt = Date.now();
    host.child.kill('SIGKILL');
    removeLatency();

    const result = (await handle.result()) as ImplementationWorkflowResult;
    console.info(`run completed ${Date.now() - killedAt} ms after the SIGKILL`);

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const pulls = stack.github.pulls(OWNER, REPO).filter((p) => p.head === result.branch);
    expect(pulls).toHaveLength(1);
    expect(await stack.github.pullDiff(OWNER, REPO, pulls[0]!.number)).toContain('+  return a + b;');
    expect(finalComments(key)).toHaveLength(1);
    expect(stack.jira.comments(key).filter((c) => c.text.includes(result.pullRequestUrl))).toHaveLength(1);
    expect(stack.jira.getIssue(key).status).toBe('In Review');

    // Two attempts: the first clone on the killed host, the second on the survivor.
    const queues: string[] = [];
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'prepareWorkspace') queues.push(scheduled.taskQueue?.name ?? '');
    }
    expect(queues).toEqual([host.hostQueue, survivor.hostQueue]);
    // The real process logged JSON lines with run context and no secret.
    const logs = host.output.join('');
    expect(logs).toContain(`"jiraIssueKey":"${key}"`);
    for (const secret of stack.secretValues) expect(logs).not.toContain(secret);

    // The killed worker's clone outlives it; the next worker started on this WORKSPACE_DIR removes it.
    const orphan = (await readdir(stack.workspaceDir)).filter((name) => name.startsWith(`khitomer-${key}--`));
    expect(orphan.filter((name) => name.endsWith('--a1'))).toHaveLength(1);
    await startChildWorker(`${taskQueue}-restarted`);
    const left = (await readdir(stack.workspaceDir)).filter((name) => name.startsWith(`khitomer-${key}--`));
    expect(left).toEqual([]);
  });

  it('Jira and GitHub failing 30 % of calls with 500/429: the run completes with one PR and one final comment', async () => {
    const taskQueue = `durability-faults-${Date.now()}`;
    await startInProcessWorker(taskQueue);
    const summary = 'Fix add despite flaky services';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [{ toolCalls: [FIX_ADD] }, SCENARIO[3]!]);
    for (const faults of [stack.jira.faults, stack.github.faults]) {
      // 0.15 + 0.85 × 0.18 ≈ 30 % of requests fail.
      cleanups.push(faults.add({ status: 500, probability: 0.15 }));
      cleanups.push(faults.add({ status: 429, retryAfterSeconds: 1, probability: 0.18 }));
    }
    // A run makes only a handful of GitHub calls (fewer still with a warm clone cache), so the
    // random faults may all miss them: the first PR creation fails for sure.
    cleanups.push(
      stack.github.faults.add({ method: 'POST', path: `/repos/${OWNER}/${REPO}/pulls`, status: 502, times: 1 }),
    );
    const jiraFaultsBefore = stack.jira.faults.injected.length;
    const githubFaultsBefore = stack.github.faults.injected.length;
    const started = Date.now();
    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary)],
    });
    const result = (await handle.result()) as ImplementationWorkflowResult;
    console.info(
      `run with faults took ${Date.now() - started} ms; injected jira=${stack.jira.faults.injected.length - jiraFaultsBefore} github=${stack.github.faults.injected.length - githubFaultsBefore}`,
    );
    for (const cleanup of cleanups.splice(0)) cleanup();

    expect(stack.jira.faults.injected.length).toBeGreaterThan(jiraFaultsBefore);
    expect(stack.github.faults.injected.length).toBeGreaterThan(githubFaultsBefore);
    expect(result.finalTests?.passed).toBe(true);
    expect(stack.github.pulls(OWNER, REPO).filter((p) => p.head === result.branch)).toHaveLength(1);
    expect(finalComments(key)).toHaveLength(1);
    expect(stack.jira.getIssue(key).status).toBe('In Review');
  });

  it('SIGTERM stops the worker process gracefully', async () => {
    const host = await startChildWorker(`durability-sigterm-${Date.now()}`);
    const exited = new Promise<number | null>((resolve) => host.child.once('exit', (code) => resolve(code)));
    const signalledAt = Date.now();
    host.child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) console.error(host.output.join('').slice(-4000), host.child.signalCode);
    expect(code).toBe(0);
    console.info(`SIGTERM to exit took ${Date.now() - signalledAt} ms`);
    const logs = host.output.join('');
    expect(logs).toContain('"signal":"SIGTERM"');
    expect(logs).toContain('"worker stopped"');
  });

  it('cancel mid-agent: CANCELED within 10 s, no PR, workspace gone, Jira told', async () => {
    const taskQueue = `durability-cancel-${Date.now()}`;
    await startInProcessWorker(taskQueue);
    const summary = 'Fix add but cancel';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, SCENARIO);
    cleanups.push(stack.llm.faults.add({ path: '/v1/chat/completions', latencyMs: 2_000 }));
    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary)],
    });
    await waitFor('the agent to be running', () => chatRequestsFor(key) >= 1, 60_000);
    expect((await handle.query(statusQuery)).stage).toBe('implementing');
    const workspaceEntries = (await readdir(stack.workspaceDir)).filter((name) => name.includes(key));
    // The clone and its owner record.
    expect(workspaceEntries).toHaveLength(2);

    const cancelledAt = Date.now();
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - cancelledAt;
    console.info(`cancel took ${elapsed} ms`);

    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(elapsed).toBeLessThan(10_000);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect((await handle.query(statusQuery)).stage).toBe('cancelled');
    expect(stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`))).toHaveLength(0);
    expect((await stack.github.branches(OWNER, REPO)).some((b) => b.name.startsWith(`khitomer/${key}-`))).toBe(false);
    expect((await readdir(stack.workspaceDir)).filter((name) => name.includes(key))).toEqual([]);
    const cancelled = stack.jira
      .comments(key)
      .filter((c) =>
        ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:cancelled:'),
      );
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]?.text).toContain('was cancelled');
    expect(stack.jira.getIssue(key).status).not.toBe('In Review');
  });

  it('cancel while the PR is being opened: the PR that still got opened is closed again, CANCELED', async () => {
    const taskQueue = `durability-cancel-pr-${Date.now()}`;
    await startInProcessWorker(taskQueue);
    const summary = 'Fix add but cancel at the PR';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [{ toolCalls: [FIX_ADD] }, SCENARIO[3]!]);
    // The PR creation is slow, so the cancel arrives while GitHub is creating it.
    const pullPath = `/repos/${OWNER}/${REPO}/pulls`;
    const postsBefore = stack.github.requests.filter('POST', pullPath).length;
    cleanups.push(stack.github.faults.add({ method: 'POST', path: pullPath, latencyMs: 3_000, times: 1 }));
    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary)],
    });
    // Requests are logged as they arrive, before the latency: this one is in flight.
    await waitFor(
      'the PR creation to be in flight',
      () => stack.github.requests.filter('POST', pullPath).length > postsBefore,
      60_000,
    );
    expect((await handle.query(statusQuery)).stage).toBe('opening_pull_request');
    await handle.cancel();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const pulls = stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`));
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.state).toBe('closed');
    const comments = stack.jira.comments(key);
    expect(comments.filter((c) => c.text.includes('was cancelled'))).toHaveLength(1);
    expect(stack.jira.getIssue(key).status).not.toBe('In Review');
  });
});
