/**
 * The `khitomer_api_errors_total` counter (PRODUCT.md §10 "API errors"), shared by both façades
 * so one registry holds one counter with an `api` label.
 */
import { Counter, type Registry } from 'prom-client';

/** Name of the counter. */
export const API_ERRORS_METRIC = 'khitomer_api_errors_total';

/** Which façade answered. */
export type ApiKind = 'rest' | 'grpc';

/** Counts one error answer by façade and error code (e.g. `invalid_argument`, `internal`). */
export type ApiErrorRecorder = (code: string) => void;

/**
 * Returns a recorder for `api` that counts into `registry`, registering the counter on first
 * use (idempotent: the REST and gRPC façades can share one registry). Without a registry the
 * recorder does nothing.
 */
export function createApiErrorRecorder(registry: Registry | undefined, api: ApiKind): ApiErrorRecorder {
  if (!registry) return () => {};
  const existing = registry.getSingleMetric(API_ERRORS_METRIC);
  const counter =
    existing instanceof Counter
      ? (existing as Counter<'api' | 'code'>)
      : new Counter({
          name: API_ERRORS_METRIC,
          help: 'Error answers of the leader API by façade and error code',
          labelNames: ['api', 'code'] as const,
          registers: [registry],
        });
  return (code) => counter.inc({ api, code });
}
