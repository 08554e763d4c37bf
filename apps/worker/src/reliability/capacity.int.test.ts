/**
 * More runs than a worker hosts at once (WORKER_CONCURRENCY): the extra runs must wait for a slot,
 * not have their clone-bound activities time out in a busy host's queue and be given up as "host
 * lost". Found while building the chaos run (issue 7, item 1): a healthy worker at capacity made
 * runs fail after three fresh attempts. Real Temporal dev server, emulators, git, and `main.ts`.
 */
import {
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
} from '@khitomer/contracts';
import { killAllNodeServices } from '@khitomer/testkit';
import { CALCULATOR_STEPS } from '@khitomer/testkit/scenarios';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startChildWorker } from './child-worker.js';

const OWNER = 'acme';
const REPO = 'calculator';
const RUNS = 3;

let stack: EmulatorStack;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  [stack, connection] = await Promise.all([
    startEmulatorStack({ jira: { projects: [{ key: 'WCAP', name: 'Worker capacity' }] } }),
    Connection.connect({ address: inject('temporalAddress') }),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});

afterAll(async () => {
  await killAllNodeServices();
  await connection?.close();
  await stack?.close();
});

function inputFor(key: string): ImplementationWorkflowInput {
  return {
    jiraIssueKey: key,
    summary: `Fix add (${key})`,
    description: 'add(2, 3) returns -1 instead of 5.',
    repository: { owner: OWNER, name: REPO },
    plan: { summary: 'Make add() return the sum', steps: [], test_strategy: 'npm test', risks: [] },
    options: {
      planApprovalRequired: false,
      approvalTimeoutMs: 60_000,
      agentMaxSteps: 20,
      agentMaxTokens: 400_000,
      planTokensUsed: 0,
      testTimeoutMs: 60_000,
      jiraBaseUrl: stack.jira.url,
      maxWorkspaceAttempts: 3,
      // Each agent step (3 slow model calls) outlasts the 4 s schedule-to-start of the host queue.
      timeouts: { heartbeatMs: 4_000, hostScheduleToStartMs: 4_000, retryInitialIntervalMs: 500 },
    },
  };
}

describe('worker capacity', () => {
  it(`${RUNS} runs at once on a worker that hosts one: each waits for the slot and completes on its first workspace attempt`, async () => {
    const taskQueue = `capacity-${Date.now()}`;
    const worker = await startChildWorker('worker', {
      ...stack.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: taskQueue,
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'debug', // "busy" refusals are logged at debug
    });
    stack.llm.faults.add({ path: '/v1/chat/completions', latencyMs: 2_000 });
    const keys = Array.from({ length: RUNS }, (_, i) => {
      const key = stack.jira.seedIssue({ summary: `Fix add ${i}`, status: 'To Do', repository: `${OWNER}/${REPO}` });
      stack.llm.addScenario(key, [CALCULATOR_STEPS.listFiles, CALCULATOR_STEPS.fixAdd, CALCULATOR_STEPS.finish]);
      return key;
    });
    const started = Date.now();
    const handles = await Promise.all(
      keys.map((key) =>
        client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: `khitomer-${key}`,
          args: [inputFor(key)],
        }),
      ),
    );
    const results = (await Promise.all(handles.map((h) => h.result()))) as ImplementationWorkflowResult[];
    console.info(`${RUNS} runs on one slot took ${Date.now() - started} ms`);

    for (const [i, handle] of handles.entries()) {
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      const events = (await handle.fetchHistory()).events ?? [];
      const attempts = events.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareWorkspace',
      );
      expect(attempts.map((e) => e.activityTaskScheduledEventAttributes?.taskQueue?.name)).toEqual([worker.hostQueue]);
      expect(events.filter((e) => e.activityTaskTimedOutEventAttributes)).toEqual([]);
      const pulls = stack.github.pulls(OWNER, REPO).filter((p) => p.head === results[i]!.branch);
      expect(pulls).toHaveLength(1);
    }
    // The runs really queued for the one slot: the waiting ones were told "busy" at least once.
    const busy = worker.service.logs().filter((l) => l.msg === 'activity failed' && l.type === 'HostBusy');
    expect(busy.length).toBeGreaterThan(0);
  });
});
