/**
 * A promise-based client of `khitomer.v1.LeaderService`, built at run time from
 * `proto/leader.proto` with @grpc/proto-loader and @grpc/grpc-js (no generated code). Used by the
 * tests and usable by tools such as the demo.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { StartRunRequest, StartRunResponse } from '../service/types.js';
import type { ProcessedTasksMessage, WorkflowStatusMessage } from './leader-messages.js';
import { loadLeaderProto } from './leader-proto.js';

/** Method names of the leader service. */
export type LeaderMethod =
  | 'StartWorkflow'
  | 'GetWorkflowStatus'
  | 'CancelWorkflow'
  | 'GetProcessedTasks'
  | 'ApprovePlan'
  | 'RejectPlan';

/** Options of {@link createLeaderClient}. */
export interface LeaderClientOptions {
  /** Sent as `authorization: Bearer <apiToken>` on every call. */
  apiToken?: string | undefined;
  /** Per-call deadline in ms (default 10 000). */
  timeoutMs?: number | undefined;
  protoPath?: string | undefined;
}

/** The leader service's methods; each rejects with a grpc-js `ServiceError` (`code`, `details`). */
export interface LeaderClient {
  startWorkflow(request: StartRunRequest): Promise<StartRunResponse>;
  getWorkflowStatus(request: { workflow_id: string }): Promise<WorkflowStatusMessage>;
  cancelWorkflow(request: { workflow_id: string }): Promise<{ workflow_id: string; status: string }>;
  getProcessedTasks(request: { limit?: number; page_token?: string }): Promise<ProcessedTasksMessage>;
  approvePlan(request: { workflow_id: string }): Promise<{ workflow_id: string; status: string }>;
  rejectPlan(request: { workflow_id: string; reason: string }): Promise<{ workflow_id: string; status: string }>;
  /** Any method with any request object (serialised by the proto's rules). */
  call(method: LeaderMethod, request: object): Promise<unknown>;
  /** Closes the channel. */
  close(): void;
}

/**
 * Creates a plaintext client for `address` (`host:port`). Connecting is lazy.
 * @throws Error when the proto cannot be loaded.
 */
export function createLeaderClient(address: string, options: LeaderClientOptions = {}): LeaderClient {
  const { service } = loadLeaderProto(options.protoPath);
  const client = new Client(address, credentials.createInsecure());
  const timeoutMs = options.timeoutMs ?? 10_000;

  const call = <T>(method: LeaderMethod, request: object): Promise<T> => {
    const definition = service[method];
    if (definition === undefined) return Promise.reject(new Error(`unknown method ${method}`));
    const metadata = new Metadata();
    if (options.apiToken !== undefined) metadata.set('authorization', `Bearer ${options.apiToken}`);
    return new Promise<T>((resolve, reject) => {
      client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (error: ServiceError | null, value?: object) => {
          if (error) reject(error);
          else resolve(value as T);
        },
      );
    });
  };

  return {
    startWorkflow: (request) => call('StartWorkflow', request),
    getWorkflowStatus: (request) => call('GetWorkflowStatus', request),
    cancelWorkflow: (request) => call('CancelWorkflow', request),
    getProcessedTasks: (request) => call('GetProcessedTasks', request),
    approvePlan: (request) => call('ApprovePlan', request),
    rejectPlan: (request) => call('RejectPlan', request),
    call: (method, request) => call(method, request),
    close: () => client.close(),
  };
}
