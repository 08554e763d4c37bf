/**
 * The worker process's Temporal side: one Worker on the shared task queue (workflows and the
 * shared activities) and one on this host's own queue (the clone-bound activities), the Temporal
 * Runtime bridged into pino, and `/metrics` (our metrics plus the SDK's).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { KhitomerConfig } from '@khitomer/config';
import { createMetricsRegistry, type Logger, startMetricsServer } from '@khitomer/observability';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, createWorkspaceSlots, hostActivitiesOf, sharedActivitiesOf } from './activities/index.js';
import { sweepOrphanWorkspaces } from './activities/workspace-owner.js';
import { createAdapters, type WorkerAdapters } from './adapters.js';
import { fetchSdkMetrics, installTemporalRuntime } from './temporal-runtime.js';
import { createWorkerMetrics } from './worker-metrics.js';
import { bundleWorkflowsInChildProcess } from './workflow-bundle.js';

/** Default time in-flight work gets to finish after shutdown was requested, in ms. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/**
 * Longest gap between heartbeats sent to the server, in ms. Cancellation reaches an activity only
 * in a heartbeat's answer, so this bounds how fast a cancel stops the agent or a test run.
 */
const MAX_HEARTBEAT_THROTTLE_MS = 1_000;

/**
 * Workflows kept in the sticky cache per WORKER_CONCURRENCY slot. The SDK's default scales with
 * the heap limit (~2 300 on a 4 GB heap), so every open run stayed in memory; most of them only
 * wait for a slot (their `getHostQueue` retries need no workflow task), and one evicted is
 * replayed from its short history when its next task comes.
 */
const CACHED_WORKFLOWS_PER_SLOT = 4;
/** Lower bound of the sticky cache (the SDK needs at least 2). */
const MIN_CACHED_WORKFLOWS = 16;

/** Sticky-cache size for a worker hosting `concurrency` runs at once. Pure. */
export function maxCachedWorkflowsFor(concurrency: number): number {
  return Math.max(MIN_CACHED_WORKFLOWS, CACHED_WORKFLOWS_PER_SLOT * Math.floor(concurrency));
}

/** Options of {@link startWorkerRuntime}. */
export interface WorkerRuntimeOptions {
  config: KhitomerConfig;
  /** Root logger (secrets redacted); the runtime and activities log through children. */
  logger: Logger;
  /** A connection to reuse (not closed by `shutdown`); one is opened to TEMPORAL_ADDRESS otherwise. */
  connection?: NativeConnection;
  /**
   * A prebuilt workflow bundle (tests bundle once per file); bundled at start otherwise, in a
   * child process so that webpack's memory does not stay in this one.
   */
  workflowBundle?: WorkflowBundleOption;
  /** Port of `/metrics` (0 = any free one); METRICS_PORT otherwise. */
  metricsPort?: number;
  /** Interface `/metrics` binds to; LISTEN_HOST otherwise (as the leader's REST and gRPC). */
  metricsHost?: string;
  /** Adapters to use; the real ones for `config` otherwise. */
  adapters?: WorkerAdapters;
  /** Time in-flight work gets after `shutdown()` before it is cancelled, in ms (default 30 000). */
  shutdownGraceMs?: number;
  /** Serve the Temporal SDK's Prometheus metrics through `/metrics` too (default true). */
  temporalSdkMetrics?: boolean;
}

/** A running worker runtime. */
export interface WorkerRuntime {
  /** This host's own task queue (clone-bound activities). */
  hostQueue: string;
  /** URL of `/metrics`. */
  metricsUrl: string;
  /** Settles when both workers have stopped; rejects when one of them crashed. */
  done: Promise<void>;
  /**
   * Stops polling, lets in-flight work finish within the grace period (then cancels it; clone-bound
   * activities are then retried elsewhere by the workflow), closes `/metrics` and the owned
   * connection. Idempotent; never rejects.
   */
  shutdown(): Promise<void>;
}

/** A task queue name unique to this process: `<TASK_QUEUE>.host.<hostname>.<pid>.<random>`. Impure (random). */
export function hostQueueName(taskQueue: string): string {
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9-]/g, '-')
    .slice(0, 40);
  return `${taskQueue}.host.${host}.${process.pid}.${randomUUID().slice(0, 8)}`;
}

function stopWorker(worker: Worker): void {
  if (worker.getState() === 'RUNNING') worker.shutdown();
}

/**
 * Starts both workers and `/metrics`.
 * @throws when Temporal is unreachable, the workflow code does not bundle, or the metrics port
 *   cannot be bound (everything started so far is stopped first). Not retried.
 */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config, logger } = options;
  const log = logger.child({ component: 'worker-runtime' });
  // Bundling (a few seconds of CPU in a child process) overlaps connecting to Temporal.
  const stopBundling = new AbortController();
  const bundled: Promise<WorkflowBundleOption> = options.workflowBundle
    ? Promise.resolve(options.workflowBundle)
    : bundleWorkflowsInChildProcess({ logger, signal: stopBundling.signal }).then((code) => ({ code }));
  bundled.catch(() => undefined);
  let connection: NativeConnection;
  let temporal: Awaited<ReturnType<typeof installTemporalRuntime>>;
  const ownConnection = options.connection === undefined;
  try {
    temporal = await installTemporalRuntime(logger, { sdkMetrics: options.temporalSdkMetrics ?? true });
    connection =
      options.connection ??
      (await NativeConnection.connect({ address: config.temporal.address }).catch((err: unknown) => {
        throw new Error(`cannot connect to Temporal at ${config.temporal.address}`, { cause: err });
      }));
  } catch (err) {
    stopBundling.abort(err);
    throw err;
  }
  const workers: Worker[] = [];
  try {
    const hostQueue = hostQueueName(config.temporal.taskQueue);
    const orphans = await sweepOrphanWorkspaces(config.workspaceDir);
    if (orphans.length > 0) log.info({ removed: orphans.length }, 'removed clones left by workers that are gone');
    const adapters = options.adapters ?? createAdapters(config, logger);
    const registry = createMetricsRegistry('worker');
    const metrics = createWorkerMetrics(registry);
    const workspaceSlots = createWorkspaceSlots(config.worker.concurrency);
    const activities = createActivities({
      ...adapters,
      logger,
      metrics,
      hostQueue,
      workspaceSlots,
      workspaceRoot: config.workspaceDir,
      jira: { inProgressStatus: config.jira.inProgressStatus, reviewStatus: config.jira.reviewStatus },
      gitAuthor: { name: config.git.authorName, email: config.git.authorEmail },
      secretValues: config.secretValues,
    });
    const workflowBundle = await bundled;
    const common = {
      connection,
      namespace: config.temporal.namespace,
      shutdownGraceTime: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
      maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE_MS,
    };
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: config.temporal.taskQueue,
        workflowBundle,
        maxCachedWorkflows: maxCachedWorkflowsFor(config.worker.concurrency),
        activities: sharedActivitiesOf(activities),
      }),
    );
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: hostQueue,
        activities: hostActivitiesOf(activities),
        maxConcurrentActivityTaskExecutions: config.worker.concurrency,
      }),
    );
    const server = await startMetricsServer([registry], {
      port: options.metricsPort ?? config.metrics.port,
      host: options.metricsHost ?? config.listenHost,
      extra: () => fetchSdkMetrics(temporal.sdkMetricsUrl),
    });

    const done = Promise.all(
      workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          log.error({ error: err instanceof Error ? err.message : String(err) }, 'worker stopped with an error');
          for (const other of workers) stopWorker(other);
          throw err;
        }),
      ),
    ).then(() => undefined);
    done.catch(() => undefined);
    log.info(
      { taskQueue: config.temporal.taskQueue, hostQueue, metricsUrl: server.url, namespace: config.temporal.namespace },
      'worker started',
    );

    let stopping: Promise<void> | undefined;
    return {
      hostQueue,
      metricsUrl: server.url,
      done,
      shutdown() {
        stopping ??= (async () => {
          log.info({ hostQueue }, 'worker shutting down');
          // Runs waiting here for a slot go and ask another worker at once.
          workspaceSlots.close();
          for (const worker of workers) stopWorker(worker);
          await done.catch(() => undefined);
          await server.close();
          if (ownConnection) await connection.close().catch(() => undefined);
          log.info({ hostQueue }, 'worker stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    stopBundling.abort(err);
    for (const worker of workers) stopWorker(worker);
    if (ownConnection) await connection.close().catch(() => undefined);
    throw err;
  }
}
