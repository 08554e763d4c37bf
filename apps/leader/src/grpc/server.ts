/**
 * Starts the gRPC façade (PRODUCT.md §9): `khitomer.v1.LeaderService` over the
 * {@link WorkflowService}, the standard `grpc.health.v1.Health` service (grpc-health-check) and
 * server reflection (@grpc/reflection) so `grpcurl -plaintext host:port list` works without the
 * proto file.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '@khitomer/observability';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { Registry } from 'prom-client';
import { createApiErrorRecorder } from '../api-schemas/index.js';
import type { WorkflowService } from '../service/types.js';
import { createBearerInterceptor } from './bearer-interceptor.js';
import { LEADER_PROTO_LOADER_OPTIONS, LEADER_SERVICE_NAME, loadLeaderProto } from './leader-proto.js';
import { createLeaderServiceHandlers } from './leader-service-handlers.js';
import { withTolerantDecoding } from './tolerant-decoding.js';

/** Default largest accepted request message, in bytes (as the REST body limit). */
export const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

/** How long {@link GrpcServer.stop} lets calls in flight finish before cutting them, in ms. */
export const GRACEFUL_STOP_MS = 5_000;

/** Options of {@link startGrpcServer}. */
export interface GrpcServerOptions {
  service: WorkflowService;
  /**
   * API_TOKEN: when set, LeaderService and reflection calls require the metadata
   * `authorization: Bearer <apiToken>` (UNAUTHENTICATED otherwise); health checks stay open.
   */
  apiToken?: string | undefined;
  /** Interface to bind, e.g. `0.0.0.0`, `127.0.0.1`, `::`. */
  host: string;
  /** Port to bind; 0 picks a free one (see {@link GrpcServer.port}). */
  port: number;
  /** Parent logger; the server logs through a `component: 'grpc'` child. */
  logger: Logger;
  /** Receives `khitomer_api_errors_total{api="grpc"}` when given. */
  metricsRegistry?: Registry | undefined;
  /** Largest accepted request message in bytes (RESOURCE_EXHAUSTED above it). Default {@link DEFAULT_MAX_REQUEST_BYTES}. */
  maxRequestBytes?: number | undefined;
  /** Path of `leader.proto`; found by walking up from this module when absent. */
  protoPath?: string | undefined;
}

/** A running gRPC façade. */
export interface GrpcServer {
  /** The bound port (useful with `port: 0`). */
  port: number;
  /**
   * Reports NOT_SERVING, lets calls in flight finish (up to {@link GRACEFUL_STOP_MS}), then
   * closes. Idempotent; never rejects.
   */
  stop(): Promise<void>;
}

function bindAddress(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Loads the proto, registers the three services and binds `host:port` (plaintext).
 * @throws Error when the proto cannot be loaded, `apiToken` is the empty string, or the port
 * cannot be bound.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const { service, apiToken, host, port } = options;
  if (apiToken === '') throw new TypeError('apiToken must not be empty; leave it unset to disable auth');
  const logger = options.logger.child({ component: 'grpc' });
  const recordError = createApiErrorRecorder(options.metricsRegistry, 'grpc');
  const leaderProto = loadLeaderProto(options.protoPath);

  const server = new Server({
    'grpc.max_receive_message_length': options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    interceptors: apiToken === undefined ? [] : [createBearerInterceptor(apiToken, recordError)],
  });
  server.addService(
    withTolerantDecoding(leaderProto.service),
    createLeaderServiceHandlers({ service, logger, recordError }),
  );

  const health = new HealthImplementation({ '': 'SERVING', [LEADER_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);

  // Reflection describes the leader service and the health service.
  const healthDefinition = loadSync(healthProtoPath, LEADER_PROTO_LOADER_OPTIONS);
  new ReflectionService({ ...leaderProto.packageDefinition, ...healthDefinition }).addToServer(server);

  const boundPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(bindAddress(host, port), ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  logger.info({ host, port: boundPort, auth: apiToken !== undefined }, 'grpc server listening');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(LEADER_SERVICE_NAME, 'NOT_SERVING');
      const deadline = setTimeout(() => server.forceShutdown(), GRACEFUL_STOP_MS);
      server.tryShutdown(() => {
        clearTimeout(deadline);
        logger.info('grpc server stopped');
        resolve();
      });
    });
    return stopping;
  };
  return { port: boundPort, stop };
}
