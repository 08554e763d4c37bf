/**
 * The worker's own Prometheus metrics (PRODUCT.md §10): runs by outcome, LLM tokens, test-run
 * durations, activity failures. Registered on an injected registry (one per runtime).
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Outcome label of {@link WorkerMetrics.runs}. */
export type RunOutcome = 'completed' | 'completed_draft' | 'failed' | 'cancelled';

/** Metric handles the activities update. */
export interface WorkerMetrics {
  /** `khitomer_worker_runs_total{outcome}`: runs that ended, counted by the activity that reported the end. */
  runs: Counter<'outcome'>;
  /** `khitomer_worker_llm_tokens_total`: tokens used by agent loops on this worker. */
  tokens: Counter<string>;
  /** `khitomer_worker_test_duration_seconds{phase}`: repository test runs. */
  testDuration: Histogram<'phase'>;
  /** `khitomer_worker_activity_failures_total{activity,type}`: failed activity attempts. */
  activityFailures: Counter<'activity' | 'type'>;
}

/** Creates and registers the metrics on `registry`. Throws when they are already registered there. */
export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    runs: new Counter({
      name: 'khitomer_worker_runs_total',
      help: 'Implementation runs that ended, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'khitomer_worker_llm_tokens_total',
      help: 'LLM tokens (prompt + completion) used by agent loops',
      registers: [registry],
    }),
    testDuration: new Histogram({
      name: 'khitomer_worker_test_duration_seconds',
      help: 'Duration of repository test runs',
      labelNames: ['phase'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers: [registry],
    }),
    activityFailures: new Counter({
      name: 'khitomer_worker_activity_failures_total',
      help: 'Failed activity attempts, by activity and failure type',
      labelNames: ['activity', 'type'],
      registers: [registry],
    }),
  };
}
