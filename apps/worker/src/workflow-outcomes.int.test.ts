/**
 * ImplementationWorkflow end to end on a real Temporal dev server, the Jira/GitHub/LLM emulators
 * and real git: what a run produces for each kind of outcome (issue 3 "Done when").
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '@khitomer/config';
import {
  FailureTypes,
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  rejectPlanSignal,
  SEARCH_ATTRIBUTES,
  type Stage,
  statusQuery,
  type WorkflowTimeouts,
} from '@khitomer/contracts';
import { createLogger } from '@khitomer/observability';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorkerRuntime, type WorkerRuntime } from './worker-runtime.js';
import { bundleImplementationWorkflows } from './workflow-bundle.js';

const PROJECT = 'WOUT';
const OWNER = 'acme';
const REPO = 'calculator';
const TIMEOUTS: Partial<WorkflowTimeouts> = {
  heartbeatMs: 8_000,
  hostScheduleToStartMs: 8_000,
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
const READ_CALCULATOR = {
  name: 'read_file',
  arguments: { path: 'src/calculator.js', start_line: null, end_line: null },
};
const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });

let stack: EmulatorStack;
let connection: Connection;
let client: Client;
let bundleCode: string;
const runtimes: WorkerRuntime[] = [];

beforeAll(async () => {
  [stack, connection, bundleCode] = await Promise.all([
    startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Worker outcomes' }] } }),
    Connection.connect({ address: inject('temporalAddress') }),
    bundleImplementationWorkflows().then((b) => b.code),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.shutdown()));
});

afterAll(async () => {
  await connection?.close();
  await stack?.close();
});

/** Starts a worker runtime on a unique task queue; stopped after the test. */
async function startWorker(name: string): Promise<{ runtime: WorkerRuntime; taskQueue: string }> {
  const taskQueue = `outcomes-${name}-${Date.now()}`;
  const config = loadConfig(
    {
      ...stack.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: taskQueue,
    },
    'worker',
  );
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
  return { runtime, taskQueue };
}

function seedTicket(summary: string): string {
  return stack.jira.seedIssue({
    summary,
    description: 'add(2, 3) returns -1 instead of 5.',
    status: 'Ready for Development',
    repository: `${OWNER}/${REPO}`,
  });
}

function inputFor(key: string, summary: string, options: Partial<ImplementationWorkflowInput['options']> = {}) {
  const input: ImplementationWorkflowInput = {
    jiraIssueKey: key,
    summary,
    description: 'add(2, 3) returns -1 instead of 5.',
    repository: { owner: OWNER, name: REPO },
    plan: {
      summary: 'Make add() return the sum of its arguments',
      steps: [{ title: 'Fix add', details: 'Use + instead of -', files: ['src/calculator.js'] }],
      test_strategy: 'Run npm test; the add test must pass',
      risks: [],
    },
    options: {
      planApprovalRequired: false,
      approvalTimeoutMs: 60_000,
      agentMaxSteps: 20,
      agentMaxTokens: 400_000,
      planTokensUsed: 1_000,
      testTimeoutMs: 60_000,
      jiraBaseUrl: stack.jira.url,
      maxWorkspaceAttempts: 2,
      timeouts: TIMEOUTS,
      ...options,
    },
  };
  return input;
}

async function startRun(taskQueue: string, input: ImplementationWorkflowInput, searchAttributes = true) {
  return client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `khitomer-${input.jiraIssueKey}`,
    args: [input],
    ...(searchAttributes
      ? {
          typedSearchAttributes: [
            { key: defineSearchAttributeKey(SEARCH_ATTRIBUTES.jiraIssueKey, 'KEYWORD'), value: input.jiraIssueKey },
            { key: defineSearchAttributeKey(SEARCH_ATTRIBUTES.repository, 'KEYWORD'), value: `${OWNER}/${REPO}` },
          ],
        }
      : {}),
  });
}

/** Waits for `check` to return a value other than undefined/false, polling until `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function failureOf(handle: WorkflowHandle): Promise<{ type: string; message: string }> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
  return { type: cause.type ?? '', message: cause.message };
}

function pullsFor(branchPrefix: string) {
  return stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(branchPrefix));
}

async function branchExists(branchPrefix: string): Promise<boolean> {
  return (await stack.github.branches(OWNER, REPO)).some((b) => b.name.startsWith(branchPrefix));
}

function commentsWithMarker(key: string, kind: string) {
  return stack.jira.comments(key).filter((c) => {
    const marker = (c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '';
    return marker.startsWith(`khitomer:${kind}:`);
  });
}

function toolResults(key: string) {
  const requests = stack.llm.chatRequests.filter((r) => r.ticketKey === key);
  const last = requests[requests.length - 1];
  return last?.messages.filter((m) => m.role === 'tool').map((m) => (m.role === 'tool' ? m.content : '')) ?? [];
}

function expectNoSecrets(text: string): void {
  for (const secret of stack.secretValues) expect(text).not.toContain(secret);
}

describe('ImplementationWorkflow outcomes', () => {
  it('fixes the bug: branch pushed, PR with the fix and green tests, one Jira comment, In Review, COMPLETED', async () => {
    const { taskQueue } = await startWorker('happy');
    const summary = 'Fix add';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [
      { toolCalls: [READ_CALCULATOR] },
      { toolCalls: [FIX_ADD] },
      { toolCalls: [{ name: 'run_tests', arguments: {} }] },
      finish('add() now returns a + b; all tests pass.'),
    ]);
    // Slow model answers keep the agent stage observable through the status query.
    const removeLatency = stack.llm.faults.add({ path: '/v1/chat/completions', latencyMs: 400 });
    const started = Date.now();
    const handle = await startRun(taskQueue, inputFor(key, summary), false);
    const seen = new Set<Stage>();
    const resultPromise = handle.result() as Promise<ImplementationWorkflowResult>;
    let done = false;
    resultPromise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    while (!done) {
      const status = await handle.query(statusQuery).catch(() => undefined);
      if (status) seen.add(status.stage);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = await resultPromise;
    removeLatency();
    console.info(`happy path took ${Date.now() - started} ms`);

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(result.draft).toBe(false);
    expect(result.finalTests?.passed).toBe(true);
    expect(result.baselineTests?.passed).toBe(false);
    expect(result.tokensUsed).toBeGreaterThan(1_000);
    for (const stage of ['preparing_workspace', 'baseline_tests', 'implementing', 'testing', 'committing'] as const) {
      expect(result.stageTimings[stage]).toBeGreaterThanOrEqual(0);
    }
    expect(seen).toContain('implementing');
    const final = await handle.query(statusQuery);
    expect(final).toMatchObject({
      stage: 'completed',
      jira_issue_key: key,
      repository: `${OWNER}/${REPO}`,
      branch: result.branch,
      pull_request_url: result.pullRequestUrl,
      error: null,
    });
    expect(final.agent_steps).toBe(4);
    expect(final.test_result?.passed).toBe(true);

    // Search attributes were upserted by the workflow (this start did not set them).
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(defineSearchAttributeKey('JiraIssueKey', 'KEYWORD'))).toBe(key);
    expect(described.memo?.stage).toBe('completed');
    // The Temporal UI shows the stage as the run's "current details".
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('**Stage:** completed');

    expect(result.branch).toBe(`khitomer/${key}-fix-add`);
    expect(await branchExists(result.branch)).toBe(true);
    const pulls = pullsFor(result.branch);
    expect(pulls).toHaveLength(1);
    const pr = pulls[0]!;
    expect(pr.draft).toBe(false);
    expect(pr.title).toBe(`${key}: ${summary}`);
    expect(pr.htmlUrl).toBe(result.pullRequestUrl);
    const diff = await stack.github.pullDiff(OWNER, REPO, pr.number);
    expect(diff).toContain('+  return a + b;');
    expect(diff).toContain('-  return a - b;');
    const body = pr.body ?? '';
    expect(body).toContain(`${stack.jira.url}/browse/${key}`);
    expect(body).toContain('before: 1 failing / after: 0 failing');
    expect(body).toMatch(/\| after \| `npm test` \| 0 \| passed/);
    expect(body).toContain('`src/calculator.js` (modified)');
    expect(body).toMatch(/Tokens used: \d+/);
    expectNoSecrets(body);

    const withPrUrl = stack.jira.comments(key).filter((c) => c.text.includes(pr.htmlUrl));
    expect(withPrUrl).toHaveLength(1);
    expect(withPrUrl[0]!.text).toContain('before: 1 failing / after: 0 failing');
    expect(commentsWithMarker(key, 'final')).toHaveLength(1);
    expect(commentsWithMarker(key, 'started')).toHaveLength(1);
    expect(stack.jira.getIssue(key).status).toBe('In Review');
    expect(stack.jira.remoteLinks(key).map((l) => l.object.url)).toEqual([pr.htmlUrl]);
    expect(stack.jira.transitionsApplied.filter((t) => t.issueKey === key).map((t) => t.to)).toEqual([
      'In Progress',
      'In Review',
    ]);
    // The workspace of the run is gone.
    expect((await readdir(stack.workspaceDir)).filter((name) => name.includes(key))).toEqual([]);
  });

  it('tests still failing: draft PR with before/after results and a Jira comment saying so', async () => {
    const { taskQueue } = await startWorker('failing');
    const summary = 'Document the calculator';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [
      {
        toolCalls: [
          {
            name: 'edit_file',
            arguments: { path: 'README.md', old_string: '# calculator-js', new_string: '# calculator-js (documented)' },
          },
        ],
      },
      finish('Updated the README.'),
    ]);
    const handle = await startRun(taskQueue, inputFor(key, summary));
    const result = (await handle.result()) as ImplementationWorkflowResult;

    expect(result.draft).toBe(true);
    expect(result.finalTests?.passed).toBe(false);
    const [pr] = pullsFor(result.branch);
    expect(pr?.draft).toBe(true);
    expect(pr?.body).toContain('The tests still fail after the change');
    expect(pr?.body).toContain('before: 1 failing / after: 1 failing');
    expect(pr?.body).toMatch(/\| before \(baseline\) \| `npm test` \| 1 \| FAILED/);
    expect(pr?.body).toMatch(/\| after \| `npm test` \| 1 \| FAILED/);
    const [comment] = commentsWithMarker(key, 'final');
    expect(comment?.text).toContain('Draft pull request opened');
    expect(comment?.text).toContain('The tests still fail after the change');
    expect(comment?.text).toContain(pr?.htmlUrl);
  });

  it('a diff that skips a test: draft PR with a warning naming the line (after plan approval)', async () => {
    const { taskQueue } = await startWorker('skip');
    const summary = 'Make the suite green';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [
      {
        toolCalls: [
          {
            name: 'edit_file',
            arguments: {
              path: 'test/calculator.test.js',
              old_string: "test('add returns the sum'",
              new_string: "test.skip('add returns the sum'",
            },
          },
        ],
      },
      finish('Skipped the failing test.'),
    ]);
    const handle = await startRun(taskQueue, inputFor(key, summary, { planApprovalRequired: true }));
    await waitFor('the plan comment', () => commentsWithMarker(key, 'plan_posted').length === 1);
    expect((await handle.query(statusQuery)).stage).toBe('awaiting_approval');
    // Waiting for approval does not move the ticket: the human's move is the approval.
    expect(stack.jira.getIssue(key).status).toBe('Ready for Development');
    expect(commentsWithMarker(key, 'plan_posted')[0]?.text).toContain('Make add() return the sum');
    stack.jira.moveIssue(key, 'In Progress');
    await handle.signal('approvePlan');
    const result = (await handle.result()) as ImplementationWorkflowResult;

    expect(result.finalTests?.passed).toBe(true);
    expect(result.draft).toBe(true);
    const [pr] = pullsFor(result.branch);
    expect(pr?.draft).toBe(true);
    expect(pr?.body).toContain('The change deletes or skips tests');
    expect(pr?.body).toContain("test/calculator.test.js:5: added skip (.skip): test.skip('add returns the sum'");
    const [comment] = commentsWithMarker(key, 'final');
    expect(comment?.text).toContain('the change deletes or skips tests');
    expect(comment?.text).toContain('test/calculator.test.js:5');
  });

  it('a token-shaped string in the change: nothing pushed, a clear Jira comment, FAILED', async () => {
    const { taskQueue } = await startWorker('secret');
    const summary = 'Configure the client';
    const key = seedTicket(summary);
    const token = `ghp_${'Ab1'.repeat(12)}`;
    stack.llm.addScenario(key, [
      {
        toolCalls: [
          FIX_ADD,
          { name: 'write_file', arguments: { path: 'src/config.js', content: `export const token = '${token}';\n` } },
        ],
      },
      finish('Added configuration.'),
    ]);
    const pushesBefore = stack.github.requests.filter('POST', /git-receive-pack$/).length;
    const handle = await startRun(taskQueue, inputFor(key, summary));
    const failure = await failureOf(handle);

    expect(failure.type).toBe(FailureTypes.SecretDetected);
    expect(failure.message).toContain('src/config.js:1');
    expect(await branchExists(`khitomer/${key}-`)).toBe(false);
    expect(pullsFor(`khitomer/${key}-`)).toHaveLength(0);
    expect(stack.github.requests.filter('POST', /git-receive-pack$/)).toHaveLength(pushesBefore);
    const [comment] = commentsWithMarker(key, 'failed');
    expect(comment?.text).toContain('nothing was pushed');
    expect(comment?.text).toContain(`khitomer-${key}`);
    expect(comment?.text).not.toContain(token);
    expect((await handle.query(statusQuery)).stage).toBe('failed');
  });

  it('the token budget running out: the run stops with a Jira comment stating the tokens spent', async () => {
    const { taskQueue } = await startWorker('budget');
    const summary = 'Refactor everything';
    const key = seedTicket(summary);
    const expensive = { promptTokens: 9_000, completionTokens: 1_000 };
    stack.llm.addScenario(key, [
      { toolCalls: [READ_CALCULATOR], usage: expensive },
      { toolCalls: [FIX_ADD], usage: expensive },
      finish('never reached'),
    ]);
    const handle = await startRun(taskQueue, inputFor(key, summary, { agentMaxTokens: 20_000 }));
    const failure = await failureOf(handle);

    expect(failure.type).toBe(FailureTypes.BudgetExhausted);
    const [comment] = commentsWithMarker(key, 'failed');
    expect(comment?.text).toContain('21000 tokens spent');
    expect(pullsFor(`khitomer/${key}-`)).toHaveLength(0);
    expect((await handle.query(statusQuery)).tokens_used).toBe(21_000);
  });

  it('path escapes get error results and write nothing; the test environment holds no secret', async () => {
    const { taskQueue } = await startWorker('escape');
    const summary = 'Fix add safely';
    const key = seedTicket(summary);
    const dump =
      "import { test } from 'node:test';\ntest('dump env', () => { console.log('ENV-DUMP ' + JSON.stringify(process.env)); });\n";
    stack.llm.addScenario(key, [
      {
        toolCalls: [
          { name: 'write_file', arguments: { path: '../escape.txt', content: 'escaped' } },
          { name: 'write_file', arguments: { path: '/etc/khitomer-escape', content: 'escaped' } },
          { name: 'write_file', arguments: { path: '.git/config', content: '[core]\n' } },
          { name: 'write_file', arguments: { path: 'test/env-dump.test.js', content: dump } },
        ],
      },
      { toolCalls: [FIX_ADD] },
      { toolCalls: [{ name: 'run_tests', arguments: {} }] },
      finish('Fixed add.'),
    ]);
    const handle = await startRun(taskQueue, inputFor(key, summary));
    const result = (await handle.result()) as ImplementationWorkflowResult;

    const results = toolResults(key);
    expect(results.slice(0, 3).every((r) => r.startsWith('Error:'))).toBe(true);
    expect(results[3]).not.toMatch(/^Error:/);
    expect(existsSync(path.join(stack.workspaceDir, 'escape.txt'))).toBe(false);
    expect(existsSync('/etc/khitomer-escape')).toBe(false);
    const testOutput = results.find((r) => r.includes('ENV-DUMP')) ?? '';
    expect(testOutput).toContain('"CI":"true"');
    expect(testOutput).not.toMatch(/GITHUB_TOKEN|OPENAI_API_KEY|JIRA_TOKEN|API_TOKEN/);
    expectNoSecrets(testOutput);
    const [pr] = pullsFor(result.branch);
    const diff = await stack.github.pullDiff(OWNER, REPO, pr!.number);
    expect(diff).not.toContain('escape');
    expectNoSecrets(pr?.body ?? '');
    for (const comment of stack.jira.comments(key)) expectNoSecrets(comment.text);
  });

  it('an agent that changes nothing: a clear Jira comment and no PR', async () => {
    const { taskQueue } = await startWorker('nochange');
    const summary = 'Already done?';
    const key = seedTicket(summary);
    stack.llm.addScenario(key, [{ toolCalls: [READ_CALCULATOR] }, finish('Nothing needs to change.')]);
    const handle = await startRun(taskQueue, inputFor(key, summary));
    const failure = await failureOf(handle);

    expect(failure.type).toBe(FailureTypes.NoChanges);
    expect(commentsWithMarker(key, 'failed')[0]?.text).toContain('The agent made no changes to the repository');
    expect(await branchExists(`khitomer/${key}-`)).toBe(false);
    expect(pullsFor(`khitomer/${key}-`)).toHaveLength(0);
  });

  it('a rejected plan ends the run with a comment quoting the reason, without touching the code', async () => {
    const { taskQueue } = await startWorker('reject');
    const summary = 'Rewrite in Rust';
    const key = seedTicket(summary);
    const handle = await startRun(taskQueue, inputFor(key, summary, { planApprovalRequired: true }));
    await waitFor('the plan comment', () => commentsWithMarker(key, 'plan_posted').length === 1);
    await handle.signal(rejectPlanSignal, { reason: 'too risky for this sprint' });
    const failure = await failureOf(handle);

    expect(failure.type).toBe(FailureTypes.PlanRejected);
    expect(commentsWithMarker(key, 'failed')[0]?.text).toContain('too risky for this sprint');
    expect(commentsWithMarker(key, 'started')).toHaveLength(0);
    expect(stack.jira.getIssue(key).status).toBe('Ready for Development');
  });
});
