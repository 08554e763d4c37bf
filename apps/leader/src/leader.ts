/**
 * Assembles a running leader: Temporal client → runs gateway → planner and starter → application
 * service → REST (with `/metrics`) and gRPC façades → poller. `main.ts` calls it with the real
 * adapters; integration tests call it with emulator-backed ones and port 0.
 */
import type { KhitomerConfig } from '@khitomer/config';
import type { WorkflowOptions } from '@khitomer/contracts';
import type { CodeHost, IssueTracker, LlmClient } from '@khitomer/integrations';
import { createMetricsRegistry, type Logger } from '@khitomer/observability';
import { Client, Connection } from '@temporalio/client';
import type { Registry } from 'prom-client';
import { createLeaderAdapters } from './adapters.js';
import { startGrpcServer } from './grpc/index.js';
import { createRestApp } from './http/index.js';
import { createPlanner, type Planner } from './planning/planner.js';
import { createPlanApprover } from './poller/plan-approver.js';
import { createPoller, type Poller } from './poller/poller.js';
import { createPollerMetrics } from './poller/poller-metrics.js';
import { createRepositoryFieldResolver } from './poller/repository-field.js';
import { createTicketProcessor } from './poller/ticket-processor.js';
import { createTemporalWorkflowService } from './service/temporal-workflow-service.js';
import type { WorkflowService } from './service/types.js';
import { createRunStarter } from './starting/run-starter.js';
import { runSettingsFromConfig } from './starting/workflow-options.js';
import { createImplementationRuns } from './temporal/implementation-runs.js';

/** Options of {@link startLeader}; everything but `config` and `logger` has a default. */
export interface LeaderOptions {
  config: KhitomerConfig;
  logger: Logger;
  /** Adapters; created from `config` when absent. */
  issueTracker?: IssueTracker;
  codeHost?: CodeHost;
  llm?: LlmClient;
  /** Planner; one over `llm` when absent. */
  planner?: Planner;
  /** Temporal connection to use (left open by `stop`); a lazily connecting one from config when absent. */
  connection?: Connection;
  /** Registry for `/metrics`; a fresh one (with process metrics) when absent. */
  metricsRegistry?: Registry;
  /** REST listen address. Default LISTEN_HOST and REST_PORT; port 0 picks a free one. */
  restHost?: string;
  restPort?: number;
  /** gRPC listen address. Default LISTEN_HOST and GRPC_PORT; port 0 picks a free one. */
  grpcHost?: string;
  grpcPort?: number;
  /** Start the poll loop (default true). Without it, `poller.pollOnce()` polls on demand. */
  startPolling?: boolean;
  /** Tickets handled at once within a poll. Default 4. */
  pollConcurrency?: number;
  /** How long runs wait for plan approval, in ms. Default 7 days. */
  approvalTimeoutMs?: number;
  /**
   * Run knobs no environment variable sets: activity timeouts and fresh-clone attempts (the
   * workflow's defaults when absent). Reliability tests shorten them so a killed worker is noticed
   * within seconds.
   */
  workflowOverrides?: Pick<WorkflowOptions, 'timeouts' | 'maxWorkspaceAttempts'>;
}

/** A running leader. */
export interface Leader {
  /** e.g. `http://127.0.0.1:8080`. */
  restUrl: string;
  /** `host:port` of the gRPC server. */
  grpcAddress: string;
  poller: Poller;
  service: WorkflowService;
  metricsRegistry: Registry;
  /**
   * Stops gracefully: the poller (waiting for its poll in flight), then the REST and gRPC
   * servers, then the Temporal connection it opened. Idempotent; never throws.
   */
  stop(): Promise<void>;
}

/**
 * Starts a leader. Resolves once both servers listen and the poll loop is running.
 * @throws {TypeError} when the configuration has no JIRA_PROJECT_KEY (not a leader configuration).
 * @throws when a port cannot be bound; whatever had started is stopped first.
 */
export async function startLeader(options: LeaderOptions): Promise<Leader> {
  const { config } = options;
  const projectKey = config.jira.projectKey;
  if (projectKey === undefined) throw new TypeError('the leader needs JIRA_PROJECT_KEY');
  const logger = options.logger;
  const needsAdapters = !options.issueTracker || !options.codeHost || (!options.llm && !options.planner);
  const defaults = needsAdapters ? createLeaderAdapters(config, logger) : undefined;
  const issueTracker = options.issueTracker ?? defaults!.issueTracker;
  const codeHost = options.codeHost ?? defaults!.codeHost;
  const planner =
    options.planner ??
    createPlanner({ llm: options.llm ?? defaults!.llm, logger: logger.child({ component: 'planner' }) });

  const ownsConnection = options.connection === undefined;
  const connection = options.connection ?? Connection.lazy({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const runs = createImplementationRuns({ client, taskQueue: config.temporal.taskQueue });
  const metricsRegistry = options.metricsRegistry ?? createMetricsRegistry('leader');
  const metrics = createPollerMetrics(metricsRegistry);
  const fieldResolver = createRepositoryFieldResolver(issueTracker, config.jira.customField);
  const starter = createRunStarter({
    planner,
    runs,
    settings: { ...runSettingsFromConfig(config, options.approvalTimeoutMs), ...options.workflowOverrides },
    logger: logger.child({ component: 'starter' }),
  });
  const service = createTemporalWorkflowService({
    runs,
    issueTracker,
    codeHost,
    fieldResolver,
    starter,
    logger: logger.child({ component: 'service' }),
  });
  const pollerLogger = logger.child({ component: 'poller' });
  const poller = createPoller({
    issueTracker,
    fieldResolver,
    processor: createTicketProcessor({
      issueTracker,
      codeHost,
      runs,
      starter,
      readyStatus: config.jira.statusFilter,
      logger: pollerLogger,
      metrics,
    }),
    ...(config.planApproval === 'required'
      ? {
          approver: createPlanApprover({
            issueTracker,
            runs,
            inProgressStatus: config.jira.inProgressStatus,
            logger: pollerLogger,
            metrics,
          }),
        }
      : {}),
    projectKey,
    readyStatus: config.jira.statusFilter,
    inProgressStatus: config.jira.inProgressStatus,
    intervalMs: config.jira.pollIntervalMs,
    ...(options.pollConcurrency === undefined ? {} : { concurrency: options.pollConcurrency }),
    logger: pollerLogger,
    metrics,
  });

  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    await poller.stop();
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) =>
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'error while stopping'),
      );
    }
  };
  if (ownsConnection) cleanups.push(() => connection.close());

  let restUrl: string;
  let grpcAddress: string;
  try {
    const app = createRestApp({ service, apiToken: config.apiToken, logger, metricsRegistry });
    const restHost = options.restHost ?? config.listenHost;
    await app.listen({ host: restHost, port: options.restPort ?? config.rest.port });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const restPort = typeof address === 'object' && address ? address.port : (options.restPort ?? config.rest.port);
    restUrl = `http://${displayHost(restHost)}:${restPort}`;

    const grpcHost = options.grpcHost ?? config.listenHost;
    const grpc = await startGrpcServer({
      service,
      apiToken: config.apiToken,
      host: grpcHost,
      port: options.grpcPort ?? config.grpc.port,
      logger,
      metricsRegistry,
    });
    cleanups.push(() => grpc.stop());
    grpcAddress = `${displayHost(grpcHost)}:${grpc.port}`;
  } catch (err) {
    await closeAll();
    throw err;
  }

  if (options.startPolling ?? true) poller.start();
  logger.info(
    {
      restUrl,
      grpcAddress,
      temporalAddress: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      projectKey,
      planApproval: config.planApproval,
    },
    'leader started',
  );

  let stopping: Promise<void> | undefined;
  return {
    restUrl,
    grpcAddress,
    poller,
    service,
    metricsRegistry,
    stop() {
      stopping ??= closeAll().then(() => logger.info({}, 'leader stopped'));
      return stopping;
    },
  };
}

/** A listen-all address is reached through loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
