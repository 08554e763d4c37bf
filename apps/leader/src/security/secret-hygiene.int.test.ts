/**
 * Secret hygiene end to end (issue 7 item 2): a ticket goes through the real leader and the real
 * worker (child processes, LOG_LEVEL=debug) with unique values for JIRA_TOKEN, GITHUB_TOKEN,
 * OPENAI_API_KEY and API_TOKEN, and every output is searched for them — raw, URL-encoded and
 * base64 at any alignment: both processes' stdout/stderr, the PR title, body and comments, the
 * pushed branch (every commit, every object), the Jira comments and every request Jira, GitHub
 * and the LLM received (their `authorization` headers aside), the clone with its `.git/` (captured
 * while the agent runs), what the repository's own test suite could see (`hostile-js` dumps its
 * environment and everything readable under /proc), every payload of the run's Temporal history,
 * the REST/gRPC answers and both `/metrics`. Zero hits.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamicStep } from '@khitomer/testkit/llm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLeaderClient } from '../grpc/index.js';
import {
  filesBelow,
  findLeaks,
  git,
  OWNER,
  REPO,
  requestsText,
  type SecurityWorld,
  startSecurityWorld,
  textsOf,
} from './security-world.js';

const FIX_ADD = {
  name: 'edit_file',
  arguments: {
    path: 'src/calculator.js',
    old_string: 'export function add(a, b) {\n  return a - b;',
    new_string: 'export function add(a, b) {\n  return a + b;',
  },
};
/** Variables of the worker that must never reach a test command (PRODUCT.md §7). */
const WORKER_ONLY = ['GITHUB_TOKEN', 'OPENAI_API_KEY', 'JIRA_TOKEN', 'API_TOKEN', 'TEMPORAL_ADDRESS', 'TASK_QUEUE'];

let world: SecurityWorld;
const captureDir = mkdtempSync(path.join(tmpdir(), 'khitomer-clone-capture-'));

beforeAll(async () => {
  world = await startSecurityWorld({
    name: 'hygiene',
    temporalAddress: inject('temporalAddress'),
    temporalNamespace: inject('temporalNamespace'),
    fixture: 'hostile-js',
  });
});

afterAll(async () => {
  await world?.close();
  rmSync(captureDir, { recursive: true, force: true });
});

/** Copies the ticket's clone (working tree and `.git/`) while the agent is still working in it. */
function captureClone(key: string): DynamicStep {
  return () => {
    const clone = readdirSync(world.stack.workspaceDir).find((name) => name.startsWith(`khitomer-${key}--`));
    if (clone === undefined) throw new Error(`no clone of ${key} in the workspace`);
    cpSync(path.join(world.stack.workspaceDir, clone), captureDir, { recursive: true, verbatimSymlinks: true });
    return { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now returns a + b; tests run.' } }] };
  };
}

describe('secret hygiene', () => {
  it('no secret in any output of a run, in any encoding', async () => {
    const { stack, secrets } = world;
    const key = world.seed('Fix add in the calculator', 'add(2, 3) returns -1 instead of 5.');
    stack.llm.addScenario(key, [
      { toolCalls: [{ name: 'list_files', arguments: { path: null } }] },
      { toolCalls: [FIX_ADD] },
      { toolCalls: [{ name: 'run_tests', arguments: {} }] },
      captureClone(key),
    ]);
    const view = await world.waitForRunEnd(key);
    const workflowId = `khitomer-${key}`;

    // The façades, with the right token, a wrong one that starts with the right one, and the
    // token where it does not belong (a query string), so their log lines are exercised too.
    const grpc = createLeaderClient(world.grpcAddress, { apiToken: secrets.API_TOKEN });
    const grpcStatus = await grpc.getWorkflowStatus({ workflow_id: workflowId });
    const grpcRefused = await createLeaderClient(world.grpcAddress, { apiToken: `${secrets.API_TOKEN}x` })
      .getWorkflowStatus({ workflow_id: workflowId })
      .then(
        () => 'accepted',
        (err: { code?: number; details?: string }) => `${err.code} ${err.details}`,
      );
    grpc.close();
    const answers = [
      await world.rest('GET', `/api/v1/workflows/${workflowId}`),
      await world.rest('GET', '/api/v1/tasks?limit=10'),
      await world.rest('GET', '/api/v1/tasks', { token: `${secrets.API_TOKEN}x` }),
      await world.rest('GET', `/api/v1/tasks?limit=1&token=${encodeURIComponent(secrets.API_TOKEN)}`),
    ];
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 401]);
    expect(answers[3]!.status).toBeLessThan(500);
    expect(grpcRefused).toMatch(/^16 /); // UNAUTHENTICATED
    const metrics = [
      await fetch(`${world.restUrl}/metrics`).then((r) => r.text()),
      await fetch(
        (world.worker.logLines().find((l) => l.msg === 'worker started')?.metricsUrl as string | undefined) ?? '',
      ).then((r) => r.text()),
    ];

    const history = await world.client.workflow.getHandle(workflowId).fetchHistory();
    const pulls = stack.github.pulls(OWNER, REPO).filter((p) => p.head.startsWith(`khitomer/${key}-`));
    const bare = stack.github.repository(OWNER, REPO)!.gitDir;
    const codes = await world.stopServices();
    expect(codes).toEqual({ leader: 0, worker: 0 });

    const probe = readFileSync(path.join(captureDir, 'env-probe.out'), 'utf8');
    const cloneFiles = filesBelow(captureDir);
    const gitFiles = cloneFiles.map((f) => f.file).filter((f) => f.startsWith('.git/'));
    const cloneObjects = git([
      '--git-dir',
      path.join(captureDir, '.git'),
      'cat-file',
      '--batch-all-objects',
      '--batch',
    ]);

    const outputs: [string, string][] = [
      ['leader stdout/stderr', world.leader.output()],
      ['worker stdout/stderr', world.worker.output()],
      ['PR title and body', pulls.map((p) => `${p.title}\n${p.body ?? ''}`).join('\n')],
      ['PR comments', JSON.stringify(stack.github.comments(OWNER, REPO))],
      ['pushed commits', git(['--git-dir', bare, 'log', '--all', '-p', '--format=fuller'])],
      ['pushed objects', git(['--git-dir', bare, 'cat-file', '--batch-all-objects', '--batch'])],
      ['Jira comments', JSON.stringify(stack.jira.comments(key))],
      ['Jira remote links', JSON.stringify(stack.jira.remoteLinks(key))],
      ['Jira requests', requestsText(stack.jira.requests.entries)],
      ['GitHub requests', requestsText(stack.github.requests.entries)],
      ['LLM requests', requestsText(stack.llm.requests.entries)],
      ['test command environment', probe],
      ['Temporal history', textsOf(history).join('\n')],
      ['REST answers', answers.map((a) => a.text).join('\n')],
      ['gRPC answers', `${JSON.stringify(grpcStatus)}\n${grpcRefused}`],
      ['metrics', metrics.join('\n')],
      ['clone objects', cloneObjects],
      ...cloneFiles.map(({ file, content }): [string, string] => [`clone ${file}`, content]),
      ...filesBelow(stack.workspaceDir).map(({ file, content }): [string, string] => [`workspace ${file}`, content]),
    ];
    const leaks = outputs.flatMap(([where, text]) => findLeaks(where, text, secrets));
    const searched = outputs.reduce((sum, [, text]) => sum + text.length, 0);
    console.info(
      `secret hygiene: searched ${outputs.length} outputs (${(searched / 1024).toFixed(0)} KiB; ` +
        `${world.leader.logLines().length} leader and ${world.worker.logLines().length} worker log lines, ` +
        `${stack.llm.chatRequests.length} LLM requests, ${history.events?.length ?? 0} history events, ` +
        `${gitFiles.length} files under .git/) for 4 secrets in raw, URL-encoded and base64 forms: ${leaks.length} hits`,
    );
    expect(leaks).toEqual([]);

    expect(view.status).toBe('COMPLETED');
    const pull = pulls[0]!;
    expect(pull.body).toContain('**Test sandbox:**');
    // What the repository's test suite saw: only the scrubbed environment, no other process's.
    const ownEnv = JSON.parse(probe.split('\n')[0]!.replace(/^ENV /, '')) as Record<string, string>;
    expect(ownEnv.CI).toBe('true');
    for (const name of WORKER_ONLY) expect(Object.keys(ownEnv)).not.toContain(name);
    for (const name of WORKER_ONLY) expect(probe).not.toContain(`${name}=`);
    expect(git(['--git-dir', bare, 'show', `${pull.head}:env-probe.out`])).toContain('ENV {');
    // The clone was captured with its `.git/`, and the searches looked at real content.
    for (const file of ['.git/config', '.git/HEAD', '.git/logs/HEAD']) expect(gitFiles).toContain(file);
    expect(world.worker.logLines().some((l) => l.level === 'debug')).toBe(true);
    expect(world.leader.logLines().some((l) => l.level === 'debug')).toBe(true);
    expect(stack.llm.chatRequests.filter((r) => r.ticketKey === key).length).toBeGreaterThanOrEqual(5);
    expect(existsSync(path.join(captureDir, 'src/calculator.js'))).toBe(true);
  });
});
