/** `getHostQueue`: runs on the shared queue and answers with the task queue of the worker that ran it. */
import { FailureTypes } from '@khitomer/contracts';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { GetHostQueueInput } from '../workflows/activity-types.js';
import type { ActivityDeps } from './activity-deps.js';
import { keepHeartbeating, type StepContext } from './step-context.js';

/**
 * Longest wait for a slot of this worker inside one `getHostQueue` call, in ms. Short, so that a
 * run queued here soon gets a chance at another worker's free slot.
 */
export const HOST_SLOT_WAIT_MS = 10_000;
/** When a run whose wait here ran out asks again (it keeps its turn for no longer than that), in ms. */
export const HOST_WAIT_OVER_RETRY_MS = 1_000;
/**
 * When a run refused because as many runs already wait here as this worker hosts asks again, in
 * ms. They need about one run's duration to get their slots, so asking sooner only adds load.
 */
export const HOST_BUSY_RETRY_MS = 10_000;
/** How often a waiting `getHostQueue` heartbeats (to hear of cancellation), in ms. */
export const HOST_WAIT_HEARTBEAT_MS = 5_000;

/**
 * The host queue of this worker: the workflow sends the clone-bound activities of one attempt
 * there. With workspace slots, the attempt's workspace takes one first; when all are taken, the
 * call waits for one (up to {@link HOST_SLOT_WAIT_MS}, bounded by half of `maxWaitMs`), unless
 * WORKER_CONCURRENCY runs wait here already. Idempotent per workspace.
 * @throws retryable `HostBusy` (benign: logged at debug by the SDK; retried after
 *   {@link HOST_WAIT_OVER_RETRY_MS} or {@link HOST_BUSY_RETRY_MS}) when no slot became free here;
 *   the cancellation when the call is cancelled while waiting.
 */
export async function getHostQueue(
  deps: Pick<ActivityDeps, 'hostQueue' | 'workspaceSlots'>,
  ctx: StepContext,
  input: GetHostQueueInput | undefined,
  maxWaitMs: number = HOST_SLOT_WAIT_MS * 2,
): Promise<string> {
  const slots = deps.workspaceSlots;
  if (!slots || !input?.workspace || slots.tryAcquire(input.workspace)) return deps.hostQueue;
  const linedUp = slots.waiting < slots.capacity;
  let granted = false;
  if (linedUp) {
    const stop = keepHeartbeating(ctx, () => ({ step: 'waiting for a slot' }), HOST_WAIT_HEARTBEAT_MS);
    try {
      const waitMs = Math.min(HOST_SLOT_WAIT_MS, Math.floor(maxWaitMs / 2));
      granted = await slots.acquire(input.workspace, { waitMs, signal: ctx.signal });
    } finally {
      stop();
    }
  }
  if (granted) return deps.hostQueue;
  throw ApplicationFailure.create({
    message: `this worker already hosts ${slots.capacity} runs${linedUp ? '' : ` and as many wait for a slot`}`,
    type: FailureTypes.HostBusy,
    nextRetryDelay: linedUp ? HOST_WAIT_OVER_RETRY_MS : HOST_BUSY_RETRY_MS,
    // Queueing, not a fault: the SDK logs it at debug and leaves it out of its failure metrics.
    category: ApplicationFailureCategory.BENIGN,
  });
}
