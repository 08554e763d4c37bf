import { SEARCH_ATTRIBUTES } from '@khitomer/contracts';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalExecutable } from './executable.js';

/** Search attributes every Khitomer namespace needs (Keyword). */
export const KHITOMER_SEARCH_ATTRIBUTES = [
  defineSearchAttributeKey(SEARCH_ATTRIBUTES.jiraIssueKey, 'KEYWORD'),
  defineSearchAttributeKey(SEARCH_ATTRIBUTES.repository, 'KEYWORD'),
];

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Environment to read TEMPORAL_CLI_PATH / PATH from. */
  env: Record<string, string | undefined>;
  /** SQLite file for a persistent server (restartable); in-memory when absent. */
  dbFilename?: string;
  /** Fixed frontend port; a free one when absent. */
  port?: number;
  /** Serve the Web UI (on `uiPort`, default port + 1000). */
  ui?: boolean;
  uiPort?: number;
  namespace?: string;
}

/** A running Temporal dev server. */
export interface DevServer {
  /** `host:port` of the frontend. */
  address: string;
  namespace: string;
  /** Web UI base URL when enabled. */
  uiUrl: string | undefined;
  env: TestWorkflowEnvironment;
  /** Stops the server and closes connections. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a real Temporal dev server through `@temporalio/testing` (an existing CLI binary when one
 * is found, else the SDK's download) with the Khitomer search attributes registered.
 * @throws when the server cannot start (binary missing and no internet, port in use).
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: resolveTemporalExecutable(options.env),
      ip: '127.0.0.1',
      namespace,
      searchAttributes: KHITOMER_SEARCH_ATTRIBUTES,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      ...(options.ui ? { ui: true, ...(options.uiPort ? { uiPort: options.uiPort } : {}) } : {}),
      log: { format: 'json', level: 'error' },
    },
  });
  const address = env.address;
  const port = Number(address.split(':').pop());
  let stopped: Promise<void> | undefined;
  return {
    address,
    namespace,
    uiUrl: options.ui ? `http://127.0.0.1:${options.uiPort ?? port + 1000}` : undefined,
    env,
    stop() {
      stopped ??= env.teardown();
      return stopped;
    },
  };
}
