/**
 * The Temporal gateway against the suite's real dev server, without a worker: ids, search
 * attributes, the one-open-run rule, visibility paging, and fast failure when Temporal is down.
 */
import { randomUUID } from 'node:crypto';
import type { ImplementationWorkflowInput } from '@khitomer/contracts';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SAMPLE_PLAN } from '../testing/fakes.js';
import { createImplementationRuns, type ImplementationRuns } from './implementation-runs.js';
import { InvalidRunListRequestError, RunAlreadyStartedError, TemporalUnavailableError } from './run-errors.js';

let connection: Connection;
let client: Client;
let runs: ImplementationRuns;
const project = `IR${randomUUID()
  .replace(/[^A-Z]/gi, '')
  .slice(0, 6)
  .toUpperCase()}`;

function input(key: string): ImplementationWorkflowInput {
  return {
    jiraIssueKey: key,
    summary: 'Add a feature',
    description: 'Details',
    repository: { owner: 'acme', name: 'calculator' },
    plan: SAMPLE_PLAN,
    options: {
      planApprovalRequired: false,
      approvalTimeoutMs: 60_000,
      agentMaxSteps: 5,
      agentMaxTokens: 10_000,
      planTokensUsed: 12,
      testTimeoutMs: 60_000,
      jiraBaseUrl: 'http://jira.invalid',
    },
  };
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: inject('temporalNamespace') });
  // No worker polls this queue: runs stay open until terminated.
  runs = createImplementationRuns({ client, taskQueue: `no-worker-${randomUUID()}`, queryTimeoutMs: 500 });
});

afterAll(async () => {
  await connection?.close();
});

describe('ImplementationRuns on a real Temporal server', () => {
  it('starts one open run per ticket, with search attributes, and a new run once the last one closed', async () => {
    const key = `${project}-1`;
    expect(await runs.describe(`khitomer-${key}`)).toBeNull();

    const first = await runs.start(input(key));
    expect(first.workflowId).toBe(`khitomer-${key}`);
    const described = await runs.describe(first.workflowId);
    expect(described).toMatchObject({
      workflowId: first.workflowId,
      runId: first.runId,
      status: 'RUNNING',
      closeTime: null,
      jiraIssueKey: key,
      repository: 'acme/calculator',
    });
    expect(Date.now() - described!.startTime.getTime()).toBeLessThan(60_000);

    await expect(runs.start(input(key))).rejects.toBeInstanceOf(RunAlreadyStartedError);
    // Nobody answers the query without a worker: null within the query deadline, no hang.
    expect(await runs.status(first.workflowId)).toBeNull();

    await client.workflow.getHandle(first.workflowId).terminate('test over');
    const closed = await runs.describe(first.workflowId);
    expect(closed).toMatchObject({ status: 'TERMINATED', runId: first.runId });
    expect(closed?.closeTime).toBeInstanceOf(Date);
    expect(await runs.outcome(first.workflowId, first.runId)).toEqual({ result: null, error: 'test over' });

    const second = await runs.start(input(key));
    expect(second.runId).not.toBe(first.runId);
    expect((await runs.describe(first.workflowId))?.runId).toBe(second.runId);
    await runs.cancel(second.workflowId);
    await client.workflow.getHandle(second.workflowId).terminate('test over');

    // Visibility (eventually consistent) knows both runs by JiraIssueKey, one page at a time.
    const page = await eventually(
      () => runs.list({ pageSize: 1, jiraIssueKey: key }),
      (p) => p.runs.length === 1 && p.runs[0]?.status === 'TERMINATED' && p.nextPageToken !== '',
    );
    expect(page.runs[0]).toMatchObject({ jiraIssueKey: key, repository: 'acme/calculator' });
    const rest = await runs.list({ pageSize: 10, jiraIssueKey: key, pageToken: page.nextPageToken });
    expect(rest.runs).toHaveLength(1);
    expect(new Set([page.runs[0]!.runId, rest.runs[0]!.runId])).toEqual(new Set([first.runId, second.runId]));
  });

  it('refuses a page token Temporal did not issue', async () => {
    await expect(runs.list({ pageSize: 5, pageToken: 'bm90LWEtdG9rZW4' })).rejects.toBeInstanceOf(
      InvalidRunListRequestError,
    );
  });

  it('fails fast with TemporalUnavailableError when Temporal is unreachable', async () => {
    const dead = Connection.lazy({ address: '127.0.0.1:1' });
    const deadRuns = createImplementationRuns({
      client: new Client({ connection: dead }),
      taskQueue: 'x',
      rpcTimeoutMs: 1000,
    });
    const started = Date.now();
    await expect(deadRuns.describe('khitomer-X-1')).rejects.toBeInstanceOf(TemporalUnavailableError);
    await expect(deadRuns.ping()).rejects.toBeInstanceOf(TemporalUnavailableError);
    await expect(deadRuns.start(input(`${project}-9`))).rejects.toBeInstanceOf(TemporalUnavailableError);
    expect(Date.now() - started).toBeLessThan(10_000);
    await runs.ping();
    await dead.close();
  });
});
