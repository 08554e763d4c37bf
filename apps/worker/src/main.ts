/**
 * Worker process entry point (`pnpm start:worker`): wiring only — configuration, logger,
 * adapters, runtime, signal handling.
 */
import { environmentWithDotEnv, loadConfigOrExit } from '@khitomer/config';
import { createLogger } from '@khitomer/observability';
import { createAdapters } from './adapters.js';
import { startWorkerRuntime, type WorkerRuntime } from './worker-runtime.js';

const config = loadConfigOrExit(environmentWithDotEnv(process.env, process.cwd()), 'worker');
const logger = createLogger({ service: 'worker', level: config.logLevel, secrets: config.secretValues });

let runtime: WorkerRuntime | undefined;
let stopRequested = false;
let exitCode = 0;
const stop = (): void => {
  void (runtime?.shutdown() ?? Promise.resolve()).then(() => process.exit(exitCode));
};
// Registered before anything starts, so a signal is never met by Node's default (immediate) exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutdown requested');
    stopRequested = true;
    if (runtime) stop();
  });
}

try {
  runtime = await startWorkerRuntime({ config, logger, adapters: createAdapters(config, logger) });
  runtime.done.catch((err: unknown) => {
    logger.fatal({ error: err instanceof Error ? err.message : String(err) }, 'worker crashed');
    exitCode = 1;
    stop();
  });
  if (stopRequested) stop();
} catch (err) {
  logger.fatal({ error: err instanceof Error ? err.message : String(err) }, 'worker failed to start');
  process.exit(1);
}
