/**
 * Graceful shutdown (issue 7, item 7): SIGTERM to a real worker process while it runs an activity
 * of a run. The worker must stop taking work, let the in-flight activity finish within its grace
 * period or hand it back, and exit 0; another worker must complete the run with one PR and one
 * final Jira comment. Real Temporal dev server, emulators, git, and `main.ts` as child processes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  statusQuery,
  type WorkflowTimeouts,
} from '@khitomer/contracts';
import { killAllNodeServices, waitUntil } from '@khitomer/testkit';
import type { DynamicStep } from '@khitomer/testkit/llm';
import { CALCULATOR_STEPS, calculatorQuickFixScenario } from '@khitomer/testkit/scenarios';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChildWorker, startChildWorker } from './child-worker.js';

const PROJECT = 'WSHUT';
const OWNER = 'acme';
const REPO = 'calculator';
/** A host that stops polling is noticed after ~4 s schedule-to-start; a dead one after ~4 s heartbeat. */
const TIMEOUTS: Partial<WorkflowTimeouts> = {
  heartbeatMs: 4_000,
  hostScheduleToStartMs: 4_000,
  retryInitialIntervalMs: 500,
  externalCallMs: 30_000,
};
const { fixAdd: FIX_ADD, finish: FINISH } = CALCULATOR_STEPS;

let stack: EmulatorStack;
let connection: Connection;
let client: Client;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  [stack, connection] = await Promise.all([
    startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Worker shutdown' }] } }),
    Connection.connect({ address: inject('temporalAddress') }),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  await killAllNodeServices();
});

afterAll(async () => {
  await connection?.close();
  await stack?.close();
});

function workerEnv(taskQueue: string, workspace: string): Record<string, string> {
  return {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
    WORKSPACE_DIR: path.join(stack.workspaceDir, workspace),
    LOG_LEVEL: 'debug',
  };
}

function inputFor(key: string, summary: string, testCommand?: string, agentMaxSteps = 20): ImplementationWorkflowInput {
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
      agentMaxSteps,
      agentMaxTokens: 400_000,
      planTokensUsed: 500,
      testTimeoutMs: 100_000,
      jiraBaseUrl: stack.jira.url,
      maxWorkspaceAttempts: 3,
      timeouts: TIMEOUTS,
      ...(testCommand === undefined ? {} : { testCommand }),
    },
  };
}

function finalComments(key: string) {
  return stack.jira
    .comments(key)
    .filter((c) =>
      ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:final:'),
    );
}

/** Log lines of `worker` with `msg`, at or after `since` (ms since the epoch). */
function logsAfter(worker: ChildWorker, msg: string, since: number): Record<string, unknown>[] {
  return worker.service.logs().filter((l) => l.msg === msg && Date.parse(String(l.time)) >= since);
}

/** Whether a process with exactly this command line is running (also in PID namespaces below ours). */
function processesRunning(commandLine: string): boolean {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .some((line) => line.trim() === commandLine);
}

/** The task queue each `prepareWorkspace` was scheduled on, in order (one per workspace attempt). */
async function attemptQueues(handle: WorkflowHandle): Promise<string[]> {
  const queues: string[] = [];
  for (const event of (await handle.fetchHistory()).events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'prepareWorkspace') queues.push(scheduled.taskQueue?.name ?? '');
  }
  return queues;
}

/** One PR, one branch, one final comment, In Review. */
async function expectOneOfEverything(key: string, result: ImplementationWorkflowResult): Promise<void> {
  const pulls = stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`));
  expect(pulls).toHaveLength(1);
  expect(pulls[0]?.htmlUrl).toBe(result.pullRequestUrl);
  expect(await stack.github.pullDiff(OWNER, REPO, pulls[0]!.number)).toContain('+  return a + b;');
  const branches = await stack.github.branches(OWNER, REPO);
  expect(branches.filter((b) => b.name.startsWith(`khitomer/${key}-`))).toHaveLength(1);
  expect(finalComments(key)).toHaveLength(1);
  expect(stack.jira.getIssue(key).status).toBe('In Review');
}

describe('worker graceful shutdown', () => {
  it('SIGTERM mid-agent: the worker stops taking work, finishes the agent step, exits 0; another worker completes the run', async () => {
    const taskQueue = `shutdown-agent-${Date.now()}`;
    const summary = 'Fix add while the worker shuts down';
    const key = stack.jira.seedIssue({ summary, status: 'Ready for Development', repository: `${OWNER}/${REPO}` });
    // The agent keeps looking around (one slow model call a second) until the test lets it finish,
    // so it is surely mid-step when the signal arrives, however long the second worker takes to start.
    let letAgentFinish = false;
    const step: DynamicStep = (_request, history) => {
      if (!letAgentFinish) return { toolCalls: [{ name: 'list_files', arguments: { path: null } }] };
      return history.toolResults.some((r) => r.name === 'edit_file') ? FINISH : FIX_ADD;
    };
    stack.llm.addScenario(
      key,
      Array.from({ length: 100 }, () => step),
    );
    const removeLatency = stack.llm.faults.add({ path: '/v1/chat/completions', latencyMs: 1_000 });
    cleanups.push(removeLatency);

    const first = await startChildWorker('worker-a', workerEnv(taskQueue, 'a'));
    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary, undefined, 100)],
    });
    await waitUntil(
      'the agent to be mid-loop on the first worker',
      () => stack.llm.chatRequests.filter((r) => r.ticketKey === key && r.tools.length > 0).length >= 1,
      { timeoutMs: 60_000 },
    );
    const second = await startChildWorker('worker-b', workerEnv(taskQueue, 'b'));
    expect((await handle.query(statusQuery)).stage).toBe('implementing');

    const signalledAt = Date.now();
    first.service.signal('SIGTERM');
    letAgentFinish = true;
    const exit = await first.service.exited;
    removeLatency();
    const result = (await handle.result()) as ImplementationWorkflowResult;
    console.info(
      `SIGTERM mid-agent: worker exited ${exit.at - signalledAt} ms after the signal (code ${exit.code}); run completed ${Date.now() - signalledAt} ms after it`,
    );

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(logsAfter(first, 'shutdown requested', signalledAt)).toHaveLength(1);
    expect(logsAfter(first, 'worker stopped', signalledAt)).toHaveLength(1);
    // The agent step that was running finished on the stopping worker instead of being dropped…
    const finished = logsAfter(first, 'activity completed', signalledAt).map((l) => l.activity);
    expect(finished).toContain('implementChanges');
    // …and nothing new started there after the signal.
    expect(logsAfter(first, 'activity started', signalledAt)).toEqual([]);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const queues = await attemptQueues(handle);
    expect(queues[0]).toBe(first.hostQueue);
    expect(queues.at(-1)).toBe(second.hostQueue);
    await expectOneOfEverything(key, result);
  });

  it('SIGTERM mid-tests longer than the grace period: the test run is stopped and handed back; another worker completes the run', async () => {
    const taskQueue = `shutdown-tests-${Date.now()}`;
    const summary = 'Fix add while tests hang at shutdown';
    const key = stack.jira.seedIssue({ summary, status: 'Ready for Development', repository: `${OWNER}/${REPO}` });
    stack.llm.addScenario(key, calculatorQuickFixScenario());
    // The test command is slow (longer than the worker's 30 s grace period) while the marker exists.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'khitomer-shutdown-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const slow = path.join(dir, 'slow');
    const started = path.join(dir, 'started');
    writeFileSync(slow, '');
    // A sleep with a unique duration, to find it in `ps` (the test may run in its own PID namespace).
    const sleep = `sleep 97.${process.pid}`;
    const testCommand = `if [ -e '${slow}' ]; then touch '${started}'; ${sleep}; fi; npm test`;

    const first = await startChildWorker('worker-a', workerEnv(taskQueue, 'a'));
    const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `khitomer-${key}`,
      args: [inputFor(key, summary, testCommand)],
    });
    await waitUntil('the baseline tests to be running on the first worker', () => existsSync(started), {
      timeoutMs: 60_000,
    });
    expect(processesRunning(sleep)).toBe(true);
    const second = await startChildWorker('worker-b', workerEnv(taskQueue, 'b'));
    rmSync(slow);

    const signalledAt = Date.now();
    first.service.signal('SIGTERM');
    const exit = await first.service.exited;
    const result = (await handle.result()) as ImplementationWorkflowResult;
    console.info(
      `SIGTERM mid-tests: worker exited ${exit.at - signalledAt} ms after the signal (code ${exit.code}); run completed ${Date.now() - signalledAt} ms after it`,
    );

    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(logsAfter(first, 'activity started', signalledAt)).toEqual([]);
    expect(logsAfter(first, 'worker stopped', signalledAt)).toHaveLength(1);
    // The hanging test run did not outlive the worker: its whole process group was killed.
    expect(processesRunning(sleep)).toBe(false);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const queues = await attemptQueues(handle);
    expect(queues[0]).toBe(first.hostQueue);
    expect(queues.at(-1)).toBe(second.hostQueue);
    expect(result.baselineTests?.timedOut).toBe(false);
    await expectOneOfEverything(key, result);
    expect(stack.jira.comments(key).some((c) => c.text.includes('was cancelled'))).toBe(false);
  });
});
