/** A Temporal dev server for one scenario, with the process-wide SDK runtime kept quiet. */
import { type DevServer, startDevServer } from '@khitomer/testkit/temporal';
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * Installs the process's Temporal runtime once: errors only, and no signal handlers of its own
 * (the benchmark handles Ctrl-C and stops workers itself). Must run before any Temporal
 * connection or dev server. Idempotent.
 */
export function installQuietTemporalRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}

/**
 * Starts an in-memory Temporal dev server on 127.0.0.1 (CLI from TEMPORAL_CLI_PATH, PATH or the
 * `.ci/run` cache). Each scenario gets its own, so workflow ids never collide between scenarios.
 * @throws when the server cannot start.
 */
export async function startScenarioTemporal(): Promise<DevServer> {
  installQuietTemporalRuntime();
  return startDevServer({ env: process.env });
}
