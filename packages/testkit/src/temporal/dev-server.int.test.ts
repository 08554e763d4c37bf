import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let connection: Connection;
let nativeConnection: NativeConnection;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
});

describe('the suite Temporal dev server', () => {
  it('runs a workflow and an activity and indexes the Khitomer search attributes', async () => {
    const taskQueue = `echo-${Date.now()}`;
    const client = new Client({ connection, namespace: inject('temporalNamespace') });
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: inject('temporalNamespace'),
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./test-workflows/echo-workflow.ts', import.meta.url)),
      activities: { shout: async (text: string) => text.toUpperCase() },
    });
    const result = await worker.runUntil(
      client.workflow.execute('echoWorkflow', { taskQueue, workflowId: `echo-${taskQueue}`, args: ['hello'] }),
    );
    expect(result).toBe('HELLO');

    // Visibility is eventually consistent: poll with a deadline.
    const deadline = Date.now() + 15_000;
    let found = 0;
    while (Date.now() < deadline && found === 0) {
      for await (const _ of client.workflow.list({
        query: `JiraIssueKey = "ECHO-1" AND WorkflowId = "echo-${taskQueue}"`,
      })) {
        found++;
      }
      if (found === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBe(1);
  });
});
