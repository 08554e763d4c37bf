import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type DevServer, startDevServer } from './dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the suite's Temporal dev server. */
    temporalAddress: string;
    temporalNamespace: string;
  }
}

let server: DevServer | undefined;

/** Vitest globalSetup: one real Temporal dev server for the whole integration suite. */
export async function setup(project: TestProject): Promise<void> {
  server = await startDevServer({ env: process.env });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
}

/** Stops the suite's dev server. */
export async function teardown(): Promise<void> {
  await server?.stop();
}
