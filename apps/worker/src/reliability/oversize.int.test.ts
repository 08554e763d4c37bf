/**
 * Oversized things (issue 7, item 6): a 50 MB file in the repository, a 5 MB ticket description
 * (through the real leader: planner, workflow input, agent), 2 MB model answers and 500 changed
 * files. Each must be bounded — truncated with a notice, refused with a clear tool error, or kept
 * out of workflow history — while the run still completes. The real worker process (`main.ts`)
 * serves every run; its resident memory is sampled before and after each case and reported.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  IMPLEMENTATION_WORKFLOW_TYPE,
  type ImplementationWorkflowInput,
  type ImplementationWorkflowResult,
  type WorkflowTimeouts,
} from '@khitomer/contracts';
import {
  freeLoopbackPort,
  killAllNodeServices,
  type NodeService,
  startNodeService,
  waitUntil,
} from '@khitomer/testkit';
import { fixturePath } from '@khitomer/testkit/fixtures';
import type { ChatRequest, ScenarioStep } from '@khitomer/testkit/llm';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChildWorker, REPO_ROOT, startChildWorker } from './child-worker.js';

const PROJECT = 'WBIG';
const OWNER = 'acme';
const MB = 1024 * 1024;
/** "Well under" Temporal's 2 MB payload limit (and its 512 KB warning threshold). */
const PAYLOAD_BOUND_BYTES = 256 * 1024;
/** One model request must stay this small once a run has met something oversized. */
const REQUEST_BOUND_BYTES = 128 * 1024;
/** GitHub refuses PR bodies longer than this. */
const GITHUB_BODY_LIMIT = 65_536;
/** Jira Cloud refuses comments longer than this. */
const JIRA_COMMENT_LIMIT = 32_767;
const TIMEOUTS: Partial<WorkflowTimeouts> = { heartbeatMs: 10_000, hostScheduleToStartMs: 20_000 };
const FIX_ADD_CALL = {
  name: 'edit_file',
  arguments: {
    path: 'src/calculator.js',
    old_string: 'export function add(a, b) {\n  return a - b;',
    new_string: 'export function add(a, b) {\n  return a + b;',
  },
};
const FIX_ADD: ScenarioStep = { toolCalls: [FIX_ADD_CALL] };
const FINISH: ScenarioStep = { toolCalls: [{ name: 'finish', arguments: { summary: 'add() returns the sum.' } }] };

let stack: EmulatorStack;
let connection: Connection;
let client: Client;
let worker: ChildWorker;
let taskQueue: string;
const rss: { after: string; mb: number }[] = [];
const cleanups: (() => void)[] = [];

function sampleRss(after: string): void {
  const bytes = worker.service.rssBytes();
  if (bytes !== undefined) rss.push({ after, mb: Math.round(bytes / MB) });
}

/** A copy of the calculator fixture with `data/huge.txt`: 50 MB, a 30 MB first line then short lines. */
function bigRepoFixture(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'khitomer-bigrepo-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixturePath('calculator-js'), dir, { recursive: true });
  const longLine = Buffer.alloc(30 * MB, 'minified();');
  longLine.write('needle', 1_000);
  const row = (i: number) =>
    `row ${String(i).padStart(7, '0')}: needle in a very large generated log file, padded ....\n`;
  const rows: string[] = [];
  let size = longLine.length + 1;
  for (let i = 1; size < 50 * MB; i++) {
    rows.push(row(i));
    size += row(i).length;
  }
  writeFileSync(
    path.join(dir, 'data-huge.txt'),
    Buffer.concat([longLine, Buffer.from('\n'), Buffer.from(rows.join(''))]),
  );
  return dir;
}

beforeAll(async () => {
  [stack, connection] = await Promise.all([
    startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Oversized things' }] } }),
    Connection.connect({ address: inject('temporalAddress') }),
  ]);
  client = new Client({ connection, namespace: inject('temporalNamespace') });
  await stack.github.createRepoFromFixture(OWNER, 'bigrepo', bigRepoFixture());
  taskQueue = `oversize-${Date.now()}`;
  worker = await startChildWorker('worker', {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'info',
  });
  sampleRss('start');
}, 180_000);

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

afterAll(async () => {
  if (rss.length > 0) {
    const peak = Math.max(...rss.map((s) => s.mb));
    console.info(
      `worker RSS (MB): ${rss.map((s) => `${s.after}=${s.mb}`).join(', ')}; growth over the file: ${peak - rss[0]!.mb} MB`,
    );
  }
  await killAllNodeServices();
  await connection?.close();
  await stack?.close();
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function inputFor(key: string, repo: string, overrides: Partial<ImplementationWorkflowInput['options']> = {}) {
  const input: ImplementationWorkflowInput = {
    jiraIssueKey: key,
    summary: `Fix add in ${repo}`,
    description: 'add(2, 3) returns -1 instead of 5.',
    repository: { owner: OWNER, name: repo },
    plan: {
      summary: 'Make add() return the sum',
      steps: [{ title: 'Fix add', details: 'Use + instead of -', files: ['src/calculator.js'] }],
      test_strategy: 'npm test',
      risks: [],
    },
    options: {
      planApprovalRequired: false,
      approvalTimeoutMs: 60_000,
      agentMaxSteps: 40,
      agentMaxTokens: 400_000,
      planTokensUsed: 0,
      testTimeoutMs: 120_000,
      jiraBaseUrl: stack.jira.url,
      timeouts: TIMEOUTS,
      ...overrides,
    },
  };
  return input;
}

/** Seeds a ticket the tests start themselves (not in the ready status: the leader of test 2 must not pick it). */
function seed(summary: string, steps: ScenarioStep[]): string {
  const key = stack.jira.seedIssue({ summary, status: 'To Do', repository: `${OWNER}/calculator` });
  stack.llm.addScenario(key, steps);
  return key;
}

async function run(
  input: ImplementationWorkflowInput,
): Promise<{ handle: WorkflowHandle; result: ImplementationWorkflowResult }> {
  const handle = await client.workflow.start(IMPLEMENTATION_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `khitomer-${input.jiraIssueKey}`,
    args: [input],
  });
  return { handle, result: (await handle.result()) as ImplementationWorkflowResult };
}

/** Sizes of every payload in the run's history: the largest one and the largest event total, in bytes. */
async function historyPayloadSizes(handle: WorkflowHandle): Promise<{ largestPayload: number; largestEvent: number }> {
  let largestPayload = 0;
  let largestEvent = 0;
  const walk = (value: unknown): number => {
    if (value === null || typeof value !== 'object') return 0;
    if (value instanceof Uint8Array) return 0;
    const record = value as Record<string, unknown>;
    if (record.data instanceof Uint8Array && 'metadata' in record) {
      largestPayload = Math.max(largestPayload, record.data.length);
      return record.data.length;
    }
    let sum = 0;
    for (const child of Object.values(record)) sum += walk(child);
    return sum;
  };
  for (const event of (await handle.fetchHistory()).events ?? []) largestEvent = Math.max(largestEvent, walk(event));
  return { largestPayload, largestEvent };
}

function agentRequests(key: string): ChatRequest[] {
  return stack.llm.chatRequests.filter((r) => r.ticketKey === key && r.tools.length > 0);
}

function requestBytes(request: ChatRequest): number {
  return Buffer.byteLength(JSON.stringify(request.body));
}

/** The tool results the agent sent back, oldest first (from its last request, which carries them all). */
function toolResults(key: string): string[] {
  const last = agentRequests(key).at(-1);
  return (last?.messages ?? []).flatMap((m) => (m.role === 'tool' ? [m.content] : []));
}

function finalComment(key: string) {
  return stack.jira
    .comments(key)
    .find((c) =>
      ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:final:'),
    );
}

describe('oversized things', () => {
  it('a 50 MB file in the repository: the clone works, read_file and search_code answer bounded with notices', async () => {
    const key = seed('Fix add next to a huge file', [
      { toolCalls: [{ name: 'read_file', arguments: { path: 'data-huge.txt', start_line: null, end_line: null } }] },
      { toolCalls: [{ name: 'read_file', arguments: { path: 'data-huge.txt', start_line: 1, end_line: 50 } }] },
      { toolCalls: [{ name: 'search_code', arguments: { query: 'needle', path: null } }] },
      {
        toolCalls: [
          { name: 'edit_file', arguments: { path: 'data-huge.txt', old_string: 'row 0000002', new_string: 'ROW' } },
        ],
      },
      FIX_ADD,
      FINISH,
    ]);
    const { handle, result } = await run(inputFor(key, 'bigrepo'));
    sampleRss('50 MB file');

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(result.finalTests?.passed).toBe(true);
    const [whole, range, search, edit] = toolResults(key);
    expect(whole).toMatch(/^Error: "data-huge.txt" is \d+ bytes, too large to read whole/);
    expect(range).toContain('[line truncated]');
    expect(range).toContain('data-huge.txt — lines 1-50');
    expect(search).toContain('[results capped at 100 matches');
    expect(edit).toMatch(/^Error: /);
    for (const text of [whole, range, search, edit]) expect(text!.length).toBeLessThan(30_000);
    for (const request of agentRequests(key)) expect(requestBytes(request)).toBeLessThan(REQUEST_BOUND_BYTES);
    const pulls = stack.github.pulls(OWNER, 'bigrepo').filter((p) => p.head.startsWith(`khitomer/${key}-`));
    expect(pulls).toHaveLength(1);
    expect(await stack.github.pullDiff(OWNER, 'bigrepo', pulls[0]!.number)).not.toContain('data-huge.txt');
    const sizes = await historyPayloadSizes(handle);
    console.info(`50 MB file: largest payload ${sizes.largestPayload} B, largest event ${sizes.largestEvent} B`);
    expect(sizes.largestEvent).toBeLessThan(PAYLOAD_BOUND_BYTES);
  });

  it('a 5 MB ticket description through the real leader: planner prompt, workflow input and agent prompt stay bounded', async ({
    onTestFinished,
  }) => {
    // Half ASCII, half three-byte characters: 5 MB of UTF-8 (the Jira adapter keeps at most 1M characters).
    const line = (i: number) =>
      `Detail ${i}: add(2, 3) returns -1 instead of 5. 足し算が引き算になっています。計算機を直してください。\n`;
    const parts: string[] = [];
    for (let i = 0, bytes = 0; bytes < 5 * MB; i++) {
      parts.push(line(i));
      bytes += Buffer.byteLength(line(i));
    }
    const description = parts.join('');
    const key = stack.jira.seedIssue({
      summary: 'Fix add (very long description)',
      description,
      status: 'Ready for Development',
      repository: `${OWNER}/calculator`,
    });
    stack.llm.addScenario(key, [FIX_ADD, FINISH]);

    const leader: NodeService = await startNodeService({
      name: 'leader',
      args: ['--conditions=@khitomer/source', '--import', 'tsx', 'apps/leader/src/main.ts'],
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LANG: 'C.UTF-8',
        ...stack.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TASK_QUEUE: taskQueue,
        JIRA_PROJECT_KEY: PROJECT,
        JIRA_POLL_INTERVAL: '500ms',
        REST_PORT: String(await freeLoopbackPort()),
        GRPC_PORT: String(await freeLoopbackPort()),
        LOG_LEVEL: 'info',
      },
      readyMessage: 'leader started',
    });
    onTestFinished(async () => {
      await leader.kill();
    });
    const handle = client.workflow.getHandle(`khitomer-${key}`);
    await waitUntil(
      'the leader to start the run',
      () =>
        handle.describe().then(
          () => true,
          () => false,
        ),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const result = (await handle.result()) as ImplementationWorkflowResult;
    sampleRss('5 MB description');

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(result.pullRequestUrl).toMatch(/\/pull\/\d+$/);
    const planning = stack.llm.chatRequests.filter((r) => r.ticketKey === key && r.tools.length === 0);
    expect(planning.length).toBeGreaterThan(0);
    for (const request of planning) expect(requestBytes(request)).toBeLessThan(REQUEST_BOUND_BYTES);
    expect(JSON.stringify(planning[0]!.messages)).toContain('truncated by Khitomer');
    for (const request of agentRequests(key)) expect(requestBytes(request)).toBeLessThan(REQUEST_BOUND_BYTES);
    const started = ((await handle.fetchHistory()).events ?? [])[0]?.workflowExecutionStartedEventAttributes;
    const inputBytes = started?.input?.payloads?.[0]?.data?.length ?? Number.POSITIVE_INFINITY;
    const sizes = await historyPayloadSizes(handle);
    console.info(
      `5 MB description: workflow input ${inputBytes} B, largest payload ${sizes.largestPayload} B, largest event ${sizes.largestEvent} B`,
    );
    expect(inputBytes).toBeLessThan(64 * 1024);
    expect(sizes.largestEvent).toBeLessThan(PAYLOAD_BOUND_BYTES);
  });

  it('2 MB model answers (text, and a write_file of 2 MB): refused or clipped, later prompts stay bounded, the run completes', async () => {
    const key = seed('Fix add despite a chatty model', [
      { content: `${'This answer is far too long. '.repeat((2 * MB) / 29)}` },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'src/huge.js', content: 'x'.repeat(2 * MB) } }] },
      FIX_ADD,
      FINISH,
    ]);
    // A budget large enough that the size of the answers, not the token count, is what is tested.
    const { handle, result } = await run(inputFor(key, 'calculator', { agentMaxTokens: 20_000_000 }));
    sampleRss('2 MB answers');

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const requests = agentRequests(key);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    // Every request after the first oversized answer carries a bounded conversation.
    for (const request of requests.slice(1)) expect(requestBytes(request)).toBeLessThan(REQUEST_BOUND_BYTES);
    expect(toolResults(key)[0]).toMatch(/^Error: content is \d+ bytes; the limit is \d+ bytes per file/);
    const pulls = stack.github.pulls(OWNER, 'calculator').filter((p) => p.head === result.branch);
    expect(pulls).toHaveLength(1);
    expect(await stack.github.pullDiff(OWNER, 'calculator', pulls[0]!.number)).not.toContain('src/huge.js');
    const sizes = await historyPayloadSizes(handle);
    console.info(`2 MB answers: largest payload ${sizes.largestPayload} B, largest event ${sizes.largestEvent} B`);
    expect(sizes.largestEvent).toBeLessThan(PAYLOAD_BOUND_BYTES);
  });

  it('500 files changed, each adding a skipped test: PR body, Jira comment and history stay bounded but complete', async () => {
    const deep = 'a-deeply-nested-directory/'.repeat(5);
    // `.spec.js`: a test path for the tampering check, but not one `node --test` runs.
    const files = Array.from(
      { length: 500 },
      (_, i) => `src/generated/${deep}module-${String(i).padStart(3, '0')}.spec.js`,
    );
    const key = seed('Fix add and generate 500 modules', [
      {
        toolCalls: [
          ...files.map((file, i) => ({
            name: 'write_file',
            arguments: { path: file, content: `describe.skip('generated module ${i}', () => {});\n` },
          })),
          FIX_ADD_CALL,
        ],
      },
      FINISH,
    ]);
    const { handle, result } = await run(inputFor(key, 'calculator', { agentMaxSteps: 600 }));
    sampleRss('500 files');

    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(result.draft).toBe(true); // skipped tests make the PR a draft
    const pull = stack.github.pulls(OWNER, 'calculator').find((p) => p.head === result.branch);
    const body = pull?.body ?? '';
    const comment = finalComment(key);
    const sizes = await historyPayloadSizes(handle);
    console.info(
      `500 files: PR body ${body.length} characters, Jira comment ${comment?.text.length} characters, largest payload ${sizes.largestPayload} B, largest event ${sizes.largestEvent} B`,
    );
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    // Bounded, yet nothing the PR must show is cut off by the long lists.
    expect(body).toContain('## Plan');
    expect(body).toContain('## Tests');
    expect(body).toContain('Tokens used:');
    expect(body).toContain(files[0]!);
    expect(body).toContain('501 files changed');
    expect(body).toMatch(/and \d+ more/);
    const diff = await stack.github.pullDiff(OWNER, 'calculator', pull!.number);
    expect(diff).toContain(files[499]!);
    expect(comment?.text).toContain(result.pullRequestUrl);
    expect(comment?.text.length ?? Number.POSITIVE_INFINITY).toBeLessThan(JIRA_COMMENT_LIMIT);
    expect(sizes.largestEvent).toBeLessThan(PAYLOAD_BOUND_BYTES);
  });
});
