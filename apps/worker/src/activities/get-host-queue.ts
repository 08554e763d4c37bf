/** `getHostQueue`: runs on the shared queue and answers with the task queue of the worker that ran it. */
import type { ActivityDeps } from './activity-deps.js';

/**
 * The host queue of this worker: the workflow sends the clone-bound activities of one attempt
 * there. Pure; never throws; idempotent.
 */
export function getHostQueue(deps: Pick<ActivityDeps, 'hostQueue'>): string {
  return deps.hostQueue;
}
