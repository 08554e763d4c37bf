/**
 * How the worker process is started, in one place: the root `start:worker` script, the worker
 * package's `start` script, `Dockerfile.worker` and the benchmark all use these (a unit test keeps
 * them in step). Measured by `pnpm bench` at concurrency 8: peak RSS 510 → 372 MB, throughput unchanged.
 */

/**
 * Node options of the worker. A 4 MB semi-space (V8's young generation; default 16 MB) keeps the
 * short-lived garbage of activities (git output, HTTP bodies, model answers) from growing the heap.
 */
export const WORKER_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * Environment of the worker process (not of the repository tests, whose environment is scrubbed).
 * Two glibc malloc arenas instead of eight per core: the Temporal core's threads and libuv's pool
 * otherwise each keep their own, mostly empty, arena resident.
 */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
