/**
 * 3. Leader poll cost: 1000 ready tickets, no worker (so every started run stays open). The first
 * poll plans and starts them all; the second must start nothing. Jira requests are counted from
 * the Jira emulator's request log, duplicates from Temporal's visibility.
 */
import { loadConfig } from '@khitomer/config';
import { startLeader } from '@khitomer/leader';
import { createLogger } from '@khitomer/observability';
import type { RecordedRequest } from '@khitomer/testkit';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { Client, Connection } from '@temporalio/client';
import { startScenarioTemporal } from '../support/temporal.js';
import { timed } from '../support/timing.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './scenario.js';

/** `POST /rest/api/3/search/jql` → `search/jql`, `GET /rest/api/3/issue/KHI-1/comment` → `issue/{key}/comment`. */
function endpointOf(request: RecordedRequest): string {
  const path = request.path
    .replace(/^\/rest\/api\/3\//, '')
    .replace(/issue\/[A-Z][A-Z0-9_]*-\d+/, 'issue/{key}')
    .replace(/\/\d+$/, '/{id}');
  return `${request.method} ${path}`;
}

function countByEndpoint(requests: readonly RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) counts[endpointOf(request)] = (counts[endpointOf(request)] ?? 0) + 1;
  return counts;
}

function breakdown(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, n]) => `${n}× ${endpoint}`)
    .join(', ');
}

async function run(ctx: BenchContext): Promise<ScenarioOutcome> {
  const tickets = ctx.quick ? 300 : 1000;
  const stack = await startEmulatorStack();
  ctx.cleanup.defer('emulators', () => stack.close());
  const temporal = await startScenarioTemporal();
  ctx.cleanup.defer('temporal dev server', () => temporal.stop());
  for (let i = 0; i < tickets; i++) {
    stack.jira.seedIssue({
      summary: `Ticket ${i + 1}: fix add()`,
      description: 'add(2, 3) returns -1 instead of 5.',
      status: 'Ready for Development',
      repository: 'acme/calculator',
    });
  }
  const config = loadConfig(
    {
      ...stack.env,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TASK_QUEUE: 'bench-poll-no-worker',
      LOG_LEVEL: 'error',
    },
    'leader',
  );
  const leader = await startLeader({
    config,
    logger: createLogger({ service: 'leader', level: 'error', destination: process.stderr }),
    restHost: '127.0.0.1',
    restPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    startPolling: false,
  });
  ctx.cleanup.defer('in-process leader', () => leader.stop());
  const connection = await Connection.connect({ address: temporal.address });
  ctx.cleanup.defer('temporal client', () => connection.close());
  const client = new Client({ connection, namespace: temporal.namespace });

  const polls = [];
  for (const label of ['first', 'second']) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    stack.jira.requests.clear();
    const { result, ms } = await timed(() => leader.poller.pollOnce());
    if (!result.ok) throw new Error(`${label} poll failed: ${JSON.stringify(result.error)}`);
    const counts = countByEndpoint(stack.jira.requests.entries);
    polls.push({
      label,
      ms,
      tickets: result.tickets,
      started: result.started.length,
      failed: result.failed.length,
      skipped: Object.keys(result.skipped).length,
      jiraRequests: stack.jira.requests.entries.length,
      jiraByEndpoint: counts,
    });
    ctx.log(
      `poll: ${label} poll saw ${result.tickets} tickets, started ${result.started.length} in ${(ms / 1000).toFixed(1)} s`,
    );
  }
  const [first, second] = polls as [(typeof polls)[number], (typeof polls)[number]];
  // Visibility is eventually consistent: count once it has caught up with the first poll's starts.
  let runs = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    runs = (await client.workflow.count('WorkflowType = "ImplementationWorkflow"')).count;
    if (runs >= first.started) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    sections: [
      {
        title: `3. Leader poll cost (${tickets} ready tickets, no worker)`,
        rows: [
          {
            metric: `poll 1 (starts all ${tickets}): wall time`,
            value: first.ms / 1000,
            unit: 's',
            note: `${first.started} started, ${first.failed} failed, ${first.skipped} skipped (plan + start per ticket, poll concurrency 4)`,
          },
          {
            metric: 'poll 1: Jira requests',
            value: first.jiraRequests,
            unit: 'requests',
            digits: 0,
            target: { op: '<=', value: 15 },
            note: breakdown(first.jiraByEndpoint),
          },
          { metric: 'poll 2 (all runs open): wall time', value: second.ms / 1000, unit: 's' },
          {
            metric: 'poll 2: Jira requests',
            value: second.jiraRequests,
            unit: 'requests',
            digits: 0,
            target: { op: '<=', value: 15 },
            note: breakdown(second.jiraByEndpoint),
          },
          {
            metric: 'poll 2: new starts',
            value: second.started,
            unit: 'runs',
            digits: 0,
            target: { op: '==', value: 0 },
          },
          {
            metric: 'duplicate runs (runs − tickets)',
            value: runs - tickets,
            unit: 'runs',
            digits: 0,
            target: { op: '==', value: 0 },
            note: `${runs} ImplementationWorkflow runs in visibility for ${tickets} tickets`,
          },
        ],
      },
    ],
    data: { tickets, polls, runs },
  };
}

/** Scenario 3 of issue 8. */
export const pollCostScenario: Scenario = { name: 'poll', title: '3. Leader poll cost', run };
