/**
 * The real leader and a real worker in the benchmark's process (as `pnpm demo` runs them), talking
 * to a scenario's emulators and dev server, plus a Temporal client to wait for run results.
 */
import { type KhitomerConfig, loadConfig } from '@khitomer/config';
import { type ImplementationWorkflowResult, workflowIdFor } from '@khitomer/contracts';
import { type Leader, startLeader } from '@khitomer/leader';
import { createLogger } from '@khitomer/observability';
import type { EmulatorStack } from '@khitomer/testkit/stack';
import type { DevServer } from '@khitomer/testkit/temporal';
import { startWorkerRuntime, type WorkerAdapters, type WorkerRuntime } from '@khitomer/worker';
import { Client, Connection } from '@temporalio/client';
import type { CleanupStack } from './cleanup-stack.js';

/** Options of {@link startInProcessProduct}. */
export interface InProcessProductOptions {
  stack: EmulatorStack;
  temporal: DevServer;
  /** TASK_QUEUE of this product instance. */
  taskQueue: string;
  /** Prebuilt workflow bundle (bundling takes seconds; done once per benchmark). */
  workflowCode: string;
  cleanup: CleanupStack;
  /** Builds the worker's adapters from its configuration; the real ones when absent. */
  adapters?: (config: KhitomerConfig) => WorkerAdapters;
  /** Extra environment (e.g. WORKER_CONCURRENCY). */
  env?: Record<string, string>;
}

/** A running in-process product. */
export interface InProcessProduct {
  leader: Leader;
  worker: WorkerRuntime;
  client: Client;
  workerConfig: KhitomerConfig;
  /**
   * Starts the ticket's run through the leader's REST API (which plans it, as for any API start)
   * and waits for the run's result.
   * @throws when the API refuses the start or the run fails.
   */
  runTicket(key: string, repository: { owner: string; name: string }): Promise<ImplementationWorkflowResult>;
}

/**
 * Starts leader (no poll loop; REST/gRPC on free loopback ports) and worker, both with LOG_LEVEL
 * error to stderr. Everything is registered on `options.cleanup`.
 * @throws when the configuration is invalid or a component cannot start.
 */
export async function startInProcessProduct(options: InProcessProductOptions): Promise<InProcessProduct> {
  const env = {
    ...options.stack.env,
    TEMPORAL_ADDRESS: options.temporal.address,
    TEMPORAL_NAMESPACE: options.temporal.namespace,
    TASK_QUEUE: options.taskQueue,
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const workerConfig = loadConfig(env, 'worker');
  const leaderConfig = loadConfig(env, 'leader');
  const logger = createLogger({
    service: 'bench',
    level: 'error',
    secrets: workerConfig.secretValues,
    destination: process.stderr,
  });
  const worker = await startWorkerRuntime({
    config: workerConfig,
    logger: logger.child({ service: 'worker' }),
    workflowBundle: { code: options.workflowCode },
    metricsPort: 0,
    temporalSdkMetrics: false,
    ...(options.adapters ? { adapters: options.adapters(workerConfig) } : {}),
  });
  options.cleanup.defer('in-process worker', () => worker.shutdown());
  const leader = await startLeader({
    config: leaderConfig,
    logger: logger.child({ service: 'leader' }),
    restHost: '127.0.0.1',
    restPort: 0,
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    startPolling: false,
  });
  options.cleanup.defer('in-process leader', () => leader.stop());
  const connection = await Connection.connect({ address: options.temporal.address });
  options.cleanup.defer('temporal client', () => connection.close());
  const client = new Client({ connection, namespace: options.temporal.namespace });

  return {
    leader,
    worker,
    client,
    workerConfig,
    async runTicket(key, repository) {
      const response = await fetch(`${leader.restUrl}/api/v1/workflows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jira_ticket_id: key,
          repository_owner: repository.owner,
          repository_name: repository.name,
        }),
      });
      if (response.status !== 201) {
        throw new Error(`starting ${key} failed: HTTP ${response.status} ${await response.text()}`);
      }
      await response.body?.cancel();
      return client.workflow.getHandle(workflowIdFor(key)).result() as Promise<ImplementationWorkflowResult>;
    },
  };
}
