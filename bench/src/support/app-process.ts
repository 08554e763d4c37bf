/**
 * The product's processes started as separate Node processes the way `pnpm start:worker` and
 * `pnpm start:leader` run them (their own `main.ts`; the stack's LISTEN_HOST keeps them on
 * loopback), on top of the testkit's `startNodeService` (own process group, output kept,
 * readiness from the "started" log line).
 */
import { fileURLToPath } from 'node:url';
import { type NodeService, startNodeService } from '@khitomer/testkit';
import { WORKER_NODE_OPTIONS, WORKER_PROCESS_ENV } from '@khitomer/worker';
import { sleep } from './timing.js';

/** The repository root (bench/src/support → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Which product process to run. */
export type AppKind = 'worker' | 'leader';

const ENTRIES: Record<AppKind, { entry: string; readyMessage: string }> = {
  worker: { entry: 'apps/worker/src/main.ts', readyMessage: 'worker started' },
  leader: { entry: 'apps/leader/src/main.ts', readyMessage: 'leader started' },
};

/** Variables taken over from the benchmark's environment; the rest comes from the scenario. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TEMPORAL_CLI_PATH'] as const;

/**
 * Starts `node [worker options] --conditions=@khitomer/source --import tsx <main.ts>` of `kind` in the repository
 * root with `env` (LOG_LEVEL must be info or lower: readiness is the "started" log line) and
 * resolves once it is ready.
 * @throws Error with the tail of its output when it exits or is not ready within 120 s.
 */
export function startApp(name: string, kind: AppKind, env: Record<string, string>): Promise<NodeService> {
  const base: Record<string, string> = {};
  for (const variable of INHERITED) {
    const value = process.env[variable];
    if (value !== undefined) base[variable] = value;
  }
  const { entry, readyMessage } = ENTRIES[kind];
  // The worker runs with the Node options and environment its start script and image use.
  const nodeOptions = kind === 'worker' ? WORKER_NODE_OPTIONS : [];
  const processEnv = kind === 'worker' ? WORKER_PROCESS_ENV : {};
  return startNodeService({
    name,
    args: [...nodeOptions, '--conditions=@khitomer/source', '--import', 'tsx', entry],
    cwd: REPO_ROOT,
    env: { ...base, ...processEnv, ...env },
    readyMessage,
    startTimeoutMs: 120_000,
    keepLines: 20_000,
  });
}

/**
 * Graceful stop: SIGTERM (the product drains and exits), then SIGKILL of its process group after
 * `graceMs` (default 20 000). Idempotent; never throws.
 */
export async function stopApp(service: NodeService, graceMs = 20_000): Promise<void> {
  if (!service.running) return;
  service.signal('SIGTERM');
  const ended = await Promise.race([service.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!ended) await service.kill();
}
