/**
 * @khitomer/worker — the ImplementationWorkflow, its activities and the worker runtime.
 * `main.ts` is the process entry point; this module is the library surface.
 */
export { type ActivityDeps, createActivities, hostActivitiesOf, sharedActivitiesOf } from './activities/index.js';
export { createAdapters, type WorkerAdapters } from './adapters.js';
export { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from './process-settings.js';
export { temporalLoggerFor } from './temporal-logger.js';
export { createWorkerMetrics, type RunOutcome, type WorkerMetrics } from './worker-metrics.js';
export {
  DEFAULT_SHUTDOWN_GRACE_MS,
  hostQueueName,
  startWorkerRuntime,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from './worker-runtime.js';
export { bundleImplementationWorkflows, workflowsPath } from './workflow-bundle.js';
export * from './workflows/activity-types.js';
