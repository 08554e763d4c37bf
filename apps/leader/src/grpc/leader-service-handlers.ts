/**
 * `khitomer.v1.LeaderService` over a {@link WorkflowService}: each method validates its request
 * with the same zod schema the REST façade uses, calls the service, and translates the answer or
 * the error. Nothing else happens here.
 */
import type { handleUnaryCall, ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '@khitomer/observability';
import type { z } from 'zod';
import {
  API_LIMITS,
  type ApiErrorRecorder,
  listTasksQuerySchema,
  rejectPlanMessageSchema,
  startWorkflowRequestSchema,
  workflowReferenceSchema,
} from '../api-schemas/index.js';
import type { WorkflowService } from '../service/types.js';
import { type GrpcError, INTERNAL_GRPC_ERROR, invalidArgument, toGrpcError, undecodable } from './grpc-errors.js';
import { toProcessedTasksMessage, toWorkflowStatusMessage } from './leader-messages.js';
import { UndecodableRequest } from './tolerant-decoding.js';

/** Dependencies of {@link createLeaderServiceHandlers}. */
export interface LeaderServiceHandlerDeps {
  service: WorkflowService;
  logger: Logger;
  recordError: ApiErrorRecorder;
}

/**
 * Returns the handlers of every LeaderService method, keyed by the proto's method names. Each
 * call ends with exactly one answer; unexpected errors are logged and become INTERNAL.
 */
export function createLeaderServiceHandlers(deps: LeaderServiceHandlerDeps): UntypedServiceImplementation {
  const { service, logger, recordError } = deps;

  function fail<R>(callback: sendUnaryData<R>, method: string, error: GrpcError): void {
    recordError(error.apiCode);
    logger.debug({ method, code: error.apiCode }, 'call refused');
    callback({ code: error.code, details: error.details, ...(error.metadata ? { metadata: error.metadata } : {}) });
  }

  /** One unary method: validate → invoke → translate. */
  function unary<S extends z.ZodType, R>(
    method: string,
    schema: S,
    invoke: (request: z.output<S>) => Promise<R>,
  ): handleUnaryCall<unknown, R> {
    return (call: ServerUnaryCall<unknown, R>, callback: sendUnaryData<R>) => {
      if (call.request instanceof UndecodableRequest) {
        fail(callback, method, undecodable(call.request.typeName));
        return;
      }
      const parsed = schema.safeParse(call.request);
      if (!parsed.success) {
        fail(callback, method, invalidArgument(parsed.error.issues));
        return;
      }
      // Through a promise chain, so a service method that throws synchronously is caught too.
      Promise.resolve(parsed.data)
        .then(invoke)
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const mapped = toGrpcError(error);
            if (mapped === undefined) logger.error({ method, err: error }, 'call failed');
            fail(callback, method, mapped ?? INTERNAL_GRPC_ERROR);
          },
        );
    };
  }

  return {
    StartWorkflow: unary('StartWorkflow', startWorkflowRequestSchema, (request) => service.start(request)),
    GetWorkflowStatus: unary('GetWorkflowStatus', workflowReferenceSchema, async (request) =>
      toWorkflowStatusMessage(await service.get(request.workflow_id)),
    ),
    CancelWorkflow: unary('CancelWorkflow', workflowReferenceSchema, (request) => service.cancel(request.workflow_id)),
    GetProcessedTasks: unary('GetProcessedTasks', listTasksQuerySchema, async (request) =>
      toProcessedTasksMessage(
        await service.listTasks({
          limit: request.limit ?? API_LIMITS.defaultTasksPage,
          ...(request.page_token === undefined ? {} : { pageToken: request.page_token }),
        }),
      ),
    ),
    ApprovePlan: unary('ApprovePlan', workflowReferenceSchema, (request) => service.approve(request.workflow_id)),
    RejectPlan: unary('RejectPlan', rejectPlanMessageSchema, (request) =>
      service.reject(request.workflow_id, request.reason),
    ),
  };
}
