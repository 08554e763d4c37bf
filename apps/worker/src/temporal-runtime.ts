/**
 * Installs the process-wide Temporal Runtime: SDK and Core logs bridged into pino, and the SDK's
 * Prometheus metrics on a loopback port that the worker's `/metrics` endpoint merges in.
 */
import net from 'node:net';
import type { Logger } from '@khitomer/observability';
import { Runtime } from '@temporalio/worker';
import { temporalLoggerFor } from './temporal-logger.js';

/** What {@link installTemporalRuntime} set up. */
export interface TemporalRuntimeSetup {
  /** False when a Runtime already existed in this process (its logger and metrics stay as they were). */
  installed: boolean;
  /** Where the SDK serves its Prometheus text, when enabled. */
  sdkMetricsUrl: string | undefined;
}

/** A free loopback TCP port (bound then released; another process could take it in between). */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Installs the Temporal Runtime once per process, before any `NativeConnection`: SDK logs and
 * forwarded Core logs (WARN and above) go to `logger`; with `sdkMetrics`, Core's Prometheus
 * exporter listens on a free loopback port. The Runtime does not handle process signals (the
 * worker's `main.ts` does). When a Runtime already exists it is kept (`installed: false`).
 * @throws when the Runtime cannot be created for another reason (not retryable).
 */
export async function installTemporalRuntime(
  logger: Logger,
  options: { sdkMetrics: boolean },
): Promise<TemporalRuntimeSetup> {
  const port = options.sdkMetrics ? await freeLoopbackPort() : undefined;
  try {
    Runtime.install({
      logger: temporalLoggerFor(logger.child({ component: 'temporal' })),
      shutdownSignals: [],
      telemetryOptions: {
        logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
        ...(port === undefined ? {} : { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } }),
      },
    });
  } catch (err) {
    if (err instanceof Error && err.name === 'IllegalStateError') {
      logger.debug({}, 'temporal runtime already installed; keeping it');
      return { installed: false, sdkMetricsUrl: undefined };
    }
    throw err;
  }
  return { installed: true, sdkMetricsUrl: port === undefined ? undefined : `http://127.0.0.1:${port}/metrics` };
}

/** The SDK's Prometheus text from `url`, or '' when it cannot be read (never throws). */
export async function fetchSdkMetrics(url: string | undefined): Promise<string> {
  if (url === undefined) return '';
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : '';
  } catch {
    return '';
  }
}
