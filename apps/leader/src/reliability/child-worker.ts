/**
 * The real worker process (`apps/worker/src/main.ts`, what `pnpm start:worker` runs) as a child of
 * a leader-side reliability test, so the test can SIGKILL and restart it.
 */
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort, type NodeService, startNodeService } from '@khitomer/testkit';

/** The monorepo root (this file is `apps/leader/src/reliability/child-worker.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A started worker process. */
export interface ChildWorker {
  service: NodeService;
  /** The worker's own task queue (from its "worker started" line). */
  hostQueue: string;
}

/**
 * Starts a worker process with `env` (PATH, HOME and LANG are added; METRICS_PORT is a free
 * port) and waits for its "worker started" line.
 * @throws when it exits or does not start within 90 s (it is killed then).
 */
export async function startChildWorker(name: string, env: Record<string, string>): Promise<ChildWorker> {
  const service = await startNodeService({
    name,
    args: ['--conditions=@khitomer/source', '--import', 'tsx', 'apps/worker/src/main.ts'],
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LANG: 'C.UTF-8',
      METRICS_PORT: String(await freeLoopbackPort()),
      ...env,
    },
    readyMessage: 'worker started',
  });
  return { service, hostQueue: String(service.ready.hostQueue) };
}
