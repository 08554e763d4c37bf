/** `getHostQueue`: runs on the shared queue and answers with the task queue of the worker that ran it. */
import { FailureTypes } from '@khitomer/contracts';
import { ApplicationFailure } from '@temporalio/common';
import type { GetHostQueueInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** When a busy worker's refusal is retried (by whichever worker polls the shared queue then), in ms. */
export const HOST_BUSY_RETRY_MS = 3_000;

/**
 * The host queue of this worker: the workflow sends the clone-bound activities of one attempt
 * there. With workspace slots, the attempt's workspace takes one first. Idempotent per workspace.
 * @throws retryable `HostBusy` (retried after {@link HOST_BUSY_RETRY_MS}) when this worker already
 *   hosts WORKER_CONCURRENCY runs.
 */
export function getHostQueue(
  deps: Pick<ActivityDeps, 'hostQueue' | 'workspaceSlots'>,
  input: GetHostQueueInput | undefined,
): string {
  const slots = deps.workspaceSlots;
  if (slots && input?.workspace && !slots.tryAcquire(input.workspace)) {
    throw ApplicationFailure.create({
      message: `this worker already hosts ${slots.capacity} runs`,
      type: FailureTypes.HostBusy,
      nextRetryDelay: HOST_BUSY_RETRY_MS,
    });
  }
  return deps.hostQueue;
}
