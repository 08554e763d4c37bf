/**
 * Chaos run (issue 7, item 1): 20 ready tickets, the real leader, two real worker processes, the
 * Jira/GitHub/LLM emulators failing ~20 % of calls (500/502/429 with Retry-After) with added
 * latency, workers SIGKILLed (whole process group, like a host dying) and restarted at seeded
 * moments, and the Temporal dev server stopped and started again on the same SQLite file and port
 * mid-run. Every ticket must end with exactly one PR, one final Jira comment, one branch and a
 * COMPLETED run; nothing may stay stuck. Kill moments are counted in agent progress (model calls
 * since the previous event), not in wall-clock time, so every kill lands while work is in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@khitomer/config';
import { createLogger } from '@khitomer/observability';
import {
  type FaultInjector,
  type FaultRule,
  freeLoopbackPort,
  killAllNodeServices,
  seededRandom,
  waitUntil,
} from '@khitomer/testkit';
import { CALCULATOR_TICKET, calculatorQuickFixScenario } from '@khitomer/testkit/scenarios';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { startDevServer } from '@khitomer/testkit/temporal';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startLeader } from '../leader.js';
import { type ChildWorker, startChildWorker } from './child-worker.js';

const SEED = 20_261_121;
const TICKET_COUNT = 20;
const MIN_KILLS = 5;
/** The chaos schedule: each event fires after a seeded amount of agent progress. */
const EVENTS = ['kill', 'kill', 'kill', 'restart-temporal', 'kill', 'kill', 'kill'] as const;
const PROJECT = 'CHAOS';
const READY = 'Ready for Development';
const OWNER = 'acme';
const REPO = 'calculator';
/** Short host timeouts: a killed worker is noticed after ~3 s heartbeat + 0.5 s + 5 s schedule-to-start. */
const TIMEOUTS = {
  heartbeatMs: 3_000,
  hostScheduleToStartMs: 5_000,
  retryInitialIntervalMs: 500,
  externalCallMs: 20_000,
};

/** ~20 % of matching requests fail (1 − 0.93³), and 30 % of the others are slowed down. */
function addChaosFaults(faults: FaultInjector, pathPattern: string, latencyMs: number): void {
  const rules: FaultRule[] = [
    { path: pathPattern, status: 500, probability: 0.07 },
    { path: pathPattern, status: 502, probability: 0.07, latencyMs: 100 },
    { path: pathPattern, status: 429, retryAfterSeconds: 1, probability: 0.07 },
    // Latency only: the rule passes the request on; it comes last so the error rules are tried first.
    { path: pathPattern, latencyMs, probability: 0.3 },
  ];
  for (const rule of rules) faults.add(rule);
}

const CLEANUP_DEADLINE_MS = 30_000;

/** `promise`, or a rejection after `ms` milliseconds. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still not done after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function faultCounts(faults: FaultInjector): { errors: number; latency: number } {
  const errors = faults.injected.filter((f) => typeof f.status === 'number').length;
  return { errors, latency: faults.injected.length - errors };
}

/** Temporal's `TimeoutType` enum (wire values). */
const TIMEOUT_TYPES: Record<number, string> = {
  1: 'START_TO_CLOSE',
  2: 'SCHEDULE_TO_START',
  3: 'SCHEDULE_TO_CLOSE',
  4: 'HEARTBEAT',
};

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** Adds the run's failed and timed-out activity tasks to `into`, as `activity: timeout type or failure type`. */
function countActivityFailures(events: HistoryEvent[], into: Record<string, number>, killedQueues: Set<string>): void {
  const names = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    const queue = e.activityTaskScheduledEventAttributes?.taskQueue?.name ?? '';
    if (name) names.set(String(e.eventId), `${name}${killedQueues.has(queue) ? '@killed' : '@alive'}`);
  }
  for (const e of events) {
    const failed = e.activityTaskFailedEventAttributes;
    const timedOut = e.activityTaskTimedOutEventAttributes;
    const scheduled = String(failed?.scheduledEventId ?? timedOut?.scheduledEventId ?? '');
    if (!scheduled) continue;
    const why = failed
      ? (failed.failure?.applicationFailureInfo?.type ?? failed.failure?.message ?? 'failed')
      : `timeout ${TIMEOUT_TYPES[Number(timedOut?.failure?.timeoutFailureInfo?.timeoutType)] ?? '?'}`;
    const label = `${names.get(scheduled) ?? '?'}: ${why}`;
    into[label] = (into[label] ?? 0) + 1;
  }
}

describe('chaos', () => {
  it('20 tickets through faults, 6 worker SIGKILLs and a Temporal restart: one PR, one final comment, one branch each', async ({
    onTestFinished,
  }) => {
    const began = Date.now();
    // Cleanups run in reverse order, each with a deadline, so one that hangs cannot keep the others from running.
    const cleanups: [what: string, run: () => unknown][] = [];
    onTestFinished(async () => {
      for (const [what, run] of cleanups.reverse()) {
        const started = Date.now();
        await withDeadline(Promise.resolve().then(run), CLEANUP_DEADLINE_MS).catch((err: unknown) =>
          console.error(`chaos cleanup "${what}" failed after ${Date.now() - started} ms:`, err),
        );
      }
    });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'khitomer-chaos-'));
    cleanups.push(['temp folder', () => rmSync(tmp, { recursive: true, force: true })]);

    // A Temporal server of our own: persistent SQLite file + fixed port, so it can be restarted.
    const port = await freeLoopbackPort();
    const dbFilename = path.join(tmp, 'temporal.sqlite');
    let server = await startDevServer({ env: process.env, dbFilename, port });
    cleanups.push(['temporal server', () => server.stop()]);
    const address = server.address;

    const stack = await startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Chaos' }] }, seed: SEED });
    cleanups.push(['emulators', () => stack.close()]);
    const keys = Array.from({ length: TICKET_COUNT }, (_, i) => {
      const key = stack.jira.seedIssue({
        summary: `Fix add in the calculator #${i + 1}`,
        description: CALCULATOR_TICKET.description,
        status: READY,
        repository: `${OWNER}/${REPO}`,
      });
      stack.llm.addScenario(key, calculatorQuickFixScenario());
      return key;
    });
    addChaosFaults(stack.jira.faults, '/rest/*', 300);
    addChaosFaults(stack.github.faults, '/*', 300); // REST and git smart HTTP
    addChaosFaults(stack.llm.faults, '/v1/*', 400);

    const connection = Connection.lazy({ address });
    cleanups.push(['test client', () => connection.close()]);
    const client = new Client({ connection });

    const env: Record<string, string> = {
      ...stack.env,
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: `chaos-${SEED}`,
      JIRA_PROJECT_KEY: PROJECT,
      JIRA_POLL_INTERVAL: '300ms',
      TEST_TIMEOUT: '1m',
    };

    // Two worker "hosts", each with its own workspace folder; a restart is a new process (new host queue).
    const slots: ChildWorker[] = [];
    const killedPids = new Set<number>();
    const unexpectedExits: string[] = [];
    let workerStarts = 0;
    const allWorkers: ChildWorker[] = [];
    const startSlot = async (slot: number): Promise<void> => {
      const worker = await startChildWorker(`worker-${slot}`, {
        ...env,
        WORKSPACE_DIR: path.join(tmp, `worker-${slot}`),
        LOG_LEVEL: 'info',
      });
      workerStarts++;
      allWorkers.push(worker);
      void worker.service.exited.then((exit) => {
        if (!killedPids.has(worker.service.pid)) {
          unexpectedExits.push(`${worker.service.name} pid ${worker.service.pid} exited (${exit.code ?? exit.signal})`);
        }
      });
      slots[slot] = worker;
    };
    cleanups.push(['worker processes', () => killAllNodeServices()]);
    await Promise.all([startSlot(0), startSlot(1)]);

    const leaderLogs: string[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => leaderLogs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const leaderConfig = loadConfig(env, 'leader');
    const leader = await startLeader({
      config: leaderConfig,
      logger: createLogger({ service: 'leader', level: 'warn', secrets: leaderConfig.secretValues, destination: sink }),
      restHost: '127.0.0.1',
      restPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      workflowOverrides: { timeouts: TIMEOUTS, maxWorkspaceAttempts: 10 },
    });
    cleanups.push(['leader', () => leader.stop()]);

    // The chaos schedule, in units of agent progress (model calls with tools = agent, not planner).
    const random = seededRandom(SEED);
    const agentCalls = (): number => stack.llm.chatRequests.filter((r) => r.tools.length > 0).length;
    const kills: { slot: number; pid: number; atAgentCall: number }[] = [];
    let temporalRestartedAt: number | undefined;
    let aliveAtRestart: ChildWorker[] = [];
    for (const event of EVENTS) {
      const target = agentCalls() + 3 + Math.floor(random() * 5);
      await waitUntil(`${target} agent calls before the next chaos event (${event})`, () => agentCalls() >= target, {
        timeoutMs: 180_000,
      });
      if (event === 'restart-temporal') {
        await server.stop();
        // The outage lasts until the leader has seen it (its readiness check says Temporal is down).
        await waitUntil('the leader to notice that Temporal is down', async () => {
          return (await leader.service.readiness()).temporal === false;
        });
        server = await startDevServer({ env: process.env, dbFilename, port });
        await waitUntil('the leader to reach Temporal again', async () => (await leader.service.readiness()).temporal, {
          timeoutMs: 60_000,
        });
        temporalRestartedAt = Date.now();
        aliveAtRestart = [...slots];
        continue;
      }
      const slot = Math.floor(random() * slots.length);
      const victim = slots[slot]!.service;
      killedPids.add(victim.pid);
      await victim.kill();
      kills.push({ slot, pid: victim.pid, atAgentCall: agentCalls() });
      await startSlot(slot);
    }

    // No run stuck: every ticket's run closes.
    const statuses = await waitUntil(
      'every ticket to have a closed run',
      async () => {
        const all = await Promise.all(
          keys.map((key) =>
            client.workflow
              .getHandle(`khitomer-${key}`)
              .describe()
              .then((d) => d.status.name)
              .catch(() => undefined),
          ),
        );
        return all.every((s) => s !== undefined && s !== 'RUNNING') ? all : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 1_000 },
    );

    // What we check, per ticket.
    const finalComments = (key: string) =>
      stack.jira
        .comments(key)
        .filter((c) =>
          ((c.properties.khitomer as { marker?: string } | undefined)?.marker ?? '').startsWith('khitomer:final:'),
        );
    const branches = await stack.github.branches(OWNER, REPO);
    const pulls = stack.github.pulls(OWNER, REPO);
    let workspaceAttempts = 0;
    let runsRestartedOnAnotherHost = 0;
    let mostAttemptsOfOneRun = 0;
    const activityFailures: Record<string, number> = {};
    const killedQueues = new Set(allWorkers.filter((w) => killedPids.has(w.service.pid)).map((w) => w.hostQueue));
    for (const [i, key] of keys.entries()) {
      expect(statuses[i], key).toBe('COMPLETED');
      const ownPulls = pulls.filter((p) => p.head.startsWith(`khitomer/${key}-`));
      expect(ownPulls, key).toHaveLength(1);
      expect(
        branches.filter((b) => b.name.startsWith(`khitomer/${key}-`)),
        key,
      ).toHaveLength(1);
      expect(finalComments(key), key).toHaveLength(1);
      expect(
        stack.jira.comments(key).filter((c) => c.text.includes(ownPulls[0]!.htmlUrl)),
        key,
      ).toHaveLength(1);
      expect(stack.jira.getIssue(key).status, key).toBe('In Review');
      const history = await client.workflow.getHandle(`khitomer-${key}`).fetchHistory();
      const events = history.events ?? [];
      const attempts = events.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareWorkspace',
      ).length;
      countActivityFailures(events, activityFailures, killedQueues);
      workspaceAttempts += attempts;
      if (attempts > 1) runsRestartedOnAnotherHost++;
      mostAttemptsOfOneRun = Math.max(mostAttemptsOfOneRun, attempts);
    }
    // One run per ticket, also across the restart (visibility is eventually consistent).
    await waitUntil(
      'visibility to show exactly one run per ticket',
      async () => {
        const counts = await Promise.all(keys.map((key) => client.workflow.count(`JiraIssueKey = "${key}"`)));
        return counts.every((c) => c.count === 1);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    // The leader and the workers lived through the Temporal restart (reconnected; none crashed).
    await waitUntil('a leader poll to succeed after the chaos', () => leader.poller.consecutiveFailures === 0);
    expect(await fetch(`${leader.restUrl}/health`).then((r) => r.status)).toBe(200);
    expect(unexpectedExits).toEqual([]);
    const restartedAt = temporalRestartedAt ?? Number.POSITIVE_INFINITY;
    const workedAfterRestart = aliveAtRestart.filter((w) =>
      w.service.logs().some((line) => line.msg === 'activity completed' && Date.parse(String(line.time)) > restartedAt),
    ).length;
    expect(stack.llm.scenarioBugs).toEqual([]);

    const faults = {
      jira: faultCounts(stack.jira.faults),
      github: faultCounts(stack.github.faults),
      llm: faultCounts(stack.llm.faults),
    };
    const requests = {
      jira: stack.jira.requests.entries.length,
      github: stack.github.requests.entries.length,
      llm: stack.llm.requests.entries.length,
    };
    const counts = {
      tickets: keys.length,
      completedRuns: statuses.filter((s) => s === 'COMPLETED').length,
      pullRequests: pulls.length,
      finalComments: keys.reduce((n, key) => n + finalComments(key).length, 0),
      branches: branches.filter((b) => b.name.startsWith('khitomer/')).length,
      workerKills: kills.length,
      workerStarts,
      temporalRestarts: temporalRestartedAt === undefined ? 0 : 1,
      workersThatWorkedOnAfterTheRestart: workedAfterRestart,
      leaderPollFailures: leaderLogs.filter((l) => l.includes('"msg":"poll failed; retrying with backoff"')).length,
      workspaceAttempts,
      runsRestartedOnAnotherHost,
      mostAttemptsOfOneRun,
      activityFailures,
      faultsInjected: faults,
      requestsSeen: requests,
      durationMs: Date.now() - began,
    };
    console.info(`chaos run counts: ${JSON.stringify(counts)}`);

    expect(counts.pullRequests).toBe(TICKET_COUNT);
    expect(counts.finalComments).toBe(TICKET_COUNT);
    expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(temporalRestartedAt).toBeDefined();
    expect(workedAfterRestart).toBeGreaterThan(0);
    // The kills interrupted real work: some runs started over from a fresh clone on another host.
    expect(runsRestartedOnAnotherHost).toBeGreaterThan(0);
    for (const faultsOf of Object.values(faults)) expect(faultsOf.errors).toBeGreaterThan(0);
  });
});
