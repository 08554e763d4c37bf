/**
 * gRPC façade of the leader (PRODUCT.md §9): {@link startGrpcServer} serves
 * `khitomer.v1.LeaderService` from `proto/leader.proto`, health and reflection.
 */

export { createLeaderClient, type LeaderClient, type LeaderClientOptions, type LeaderMethod } from './leader-client.js';
export type { ProcessedTaskMessage, ProcessedTasksMessage, WorkflowStatusMessage } from './leader-messages.js';
export {
  findLeaderProtoPath,
  LEADER_PROTO_LOADER_OPTIONS,
  LEADER_SERVICE_NAME,
  type LeaderProto,
  loadLeaderProto,
} from './leader-proto.js';
export {
  DEFAULT_MAX_REQUEST_BYTES,
  GRACEFUL_STOP_MS,
  type GrpcServer,
  type GrpcServerOptions,
  startGrpcServer,
} from './server.js';
