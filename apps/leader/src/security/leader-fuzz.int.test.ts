/**
 * Input fuzzing of the REAL leader (issue 7 item 5): the leader process (`main.ts`) with its real
 * application service over the suite's Temporal server and the Jira/GitHub/LLM emulators, a real
 * worker process answering queries, PLAN_APPROVAL=required so approve/reject reach real runs.
 * Thousands of random and boundary REST and gRPC requests (fast-check) get only documented
 * statuses — never a 500 / INTERNAL / UNKNOWN — and afterwards the leader is still alive and
 * healthy and a normal start still works.
 */
import http from 'node:http';
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { freeLoopbackPort } from '@khitomer/testkit';
import { type EmulatorStack, startEmulatorStack } from '@khitomer/testkit/stack';
import { Connection, Client as TemporalClient } from '@temporalio/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLeaderClient, type LeaderClient, type LeaderMethod } from '../grpc/index.js';
import {
  type FuzzRequest,
  grpcRequestObject,
  LEADER_METHODS,
  REST_ERROR_CODES,
  restRequest,
} from './fuzz-arbitraries.js';
import { type ServiceProcess, startServiceProcess } from './service-process.js';

const API_TOKEN = 'leader-fuzz-token-0123456789';
const PROJECT = 'FUZ';
/** Statuses PRODUCT.md §8 documents (503: Temporal, Jira, GitHub or the model unreachable). */
const REST_DOCUMENTED = new Set([200, 201, 202, 400, 401, 404, 409, 413, 415, 503]);
/** Statuses PRODUCT.md §9 documents; never INTERNAL or UNKNOWN. */
const GRPC_DOCUMENTED = new Set([
  status.OK,
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
  status.UNAUTHENTICATED,
  status.UNAVAILABLE,
]);

let stack: EmulatorStack;
let leader: ServiceProcess;
let worker: ServiceProcess;
let connection: Connection;
let restPort: number;
let grpcAddress: string;
let taskQueue: string;
let knownKey: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

beforeAll(async () => {
  stack = await startEmulatorStack({ jira: { projects: [{ key: PROJECT, name: 'Fuzzing' }] } });
  // Not in the ready status: only the API starts runs here.
  knownKey = stack.jira.seedIssue({ summary: 'Fix add', projectKey: PROJECT, repository: 'acme/calculator' });
  restPort = await freeLoopbackPort();
  const grpcPort = await freeLoopbackPort();
  grpcAddress = `127.0.0.1:${grpcPort}`;
  taskQueue = `leader-fuzz-${restPort}`;
  const env = {
    ...stack.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TASK_QUEUE: taskQueue,
    JIRA_PROJECT_KEY: PROJECT,
    JIRA_POLL_INTERVAL: '1h',
    API_TOKEN,
    PLAN_APPROVAL: 'required',
    LOG_LEVEL: 'info',
  };
  connection = await Connection.connect({ address: inject('temporalAddress') });
  leader = startServiceProcess('leader', { ...env, REST_PORT: String(restPort), GRPC_PORT: String(grpcPort) });
  worker = startServiceProcess('worker', { ...env, METRICS_PORT: String(await freeLoopbackPort()) });
  await Promise.all([
    leader.waitForLog('the leader to start', (l) => l.msg === 'leader started'),
    worker.waitForLog('the worker to start', (l) => l.msg === 'worker started'),
  ]);
});

afterAll(async () => {
  await Promise.all([leader?.stop(), worker?.stop()]);
  agent.destroy();
  if (connection) {
    const client = new TemporalClient({ connection, namespace: inject('temporalNamespace') });
    for await (const run of client.workflow.list({
      query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
    })) {
      await client.workflow
        .getHandle(run.workflowId, run.runId)
        .terminate('fuzzing finished')
        .catch(() => undefined);
    }
    await connection.close();
  }
  await stack?.close();
});

/** Sends a request over real HTTP; `undefined` when Node's client itself refuses it (bad header characters). */
function send(request: FuzzRequest): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = http.request(
        {
          host: '127.0.0.1',
          port: restPort,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
    } catch {
      resolve(undefined);
      return;
    }
    req.on('error', reject);
    req.end(request.payload);
  });
}

function rawGrpc(client: Client, path: string, bytes: Uint8Array, authorization?: string) {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise<{ code: number; response?: Buffer }>((resolve) =>
    client.makeUnaryRequest(
      path,
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.from(bytes),
      metadata,
      (error: ServiceError | null, response?: Buffer) =>
        resolve(error ? { code: error.code } : { code: status.OK, ...(response ? { response } : {}) }),
    ),
  );
}

function count(histogram: Map<string | number, number>, key: string | number): void {
  histogram.set(key, (histogram.get(key) ?? 0) + 1);
}

describe('fuzzing the real leader', () => {
  it('REST and gRPC: only documented statuses under thousands of random requests, then still healthy', async () => {
    const known = { jira_ticket_id: knownKey, repository_owner: 'acme', repository_name: 'calculator' };
    const knownId = `khitomer-${knownKey}`;
    // A real run awaiting approval, so the known id reaches describe, query, cancel, approve and reject.
    const first = await send({
      method: 'POST',
      url: '/api/v1/workflows',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      payload: JSON.stringify(known),
    });
    expect(first?.status).toBe(201);

    const restStatuses = new Map<number, number>();
    let refusedByClient = 0;
    const startedAt = Date.now();
    await fc.assert(
      fc.asyncProperty(
        restRequest({ authorization: `Bearer ${API_TOKEN}`, validBody: known, knownId }),
        async (request) => {
          const answer = await send(request);
          if (answer === undefined) {
            refusedByClient++;
            return;
          }
          count(restStatuses, answer.status);
          const what = `${request.method} ${request.url} ${request.payload?.slice(0, 200) ?? ''} → ${answer.status} ${answer.body.slice(0, 300)}`;
          expect(REST_DOCUMENTED, what).toContain(answer.status);
          if (answer.status >= 400) {
            const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
            expect(REST_ERROR_CODES, what).toContain(body.error.code);
            expect(answer.body, what).not.toMatch(/\bat .+:\d+:\d+/);
          }
        },
      ),
      { numRuns: 2500 },
    );
    const restMs = Date.now() - startedAt;

    const grpc = createLeaderClient(grpcAddress, { apiToken: API_TOKEN });
    const raw = new Client(grpcAddress, credentials.createInsecure());
    const grpcStatuses = new Map<string, number>();
    const grpcStartedAt = Date.now();
    try {
      const values = [knownKey, knownId, 'acme', 'calculator', 'main'];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...LEADER_METHODS),
          grpcRequestObject(values),
          async (method: LeaderMethod, request) => {
            let code: number = status.OK;
            await (grpc as LeaderClient).call(method, request).catch((error: ServiceError) => {
              code = error.code;
            });
            count(grpcStatuses, status[code] ?? code);
            expect(GRPC_DOCUMENTED, `${method} ${JSON.stringify(request).slice(0, 300)} → ${code}`).toContain(code);
          },
        ),
        { numRuns: 1000 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...LEADER_METHODS),
          fc.uint8Array({ maxLength: 96 }),
          fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
          async (method, bytes, authorization) => {
            const header = authorization === undefined ? `Bearer ${API_TOKEN}` : authorization;
            let result: { code: number };
            try {
              result = await rawGrpc(raw, `/khitomer.v1.LeaderService/${method}`, bytes, header);
            } catch {
              return; // grpc-js refused the metadata value itself
            }
            count(grpcStatuses, status[result.code] ?? result.code);
            expect(GRPC_DOCUMENTED, `${method} ${Buffer.from(bytes).toString('hex')} → ${result.code}`).toContain(
              result.code,
            );
          },
        ),
        { numRuns: 800 },
      );
      const grpcMs = Date.now() - grpcStartedAt;
      console.info(
        `real-leader fuzzing: REST ${2500 - refusedByClient} requests in ${restMs} ms ${JSON.stringify(Object.fromEntries(restStatuses))} ` +
          `(${refusedByClient} refused by the HTTP client); gRPC 1800 calls in ${grpcMs} ms ${JSON.stringify(Object.fromEntries(grpcStatuses))}`,
      );

      // Still alive and healthy.
      expect(leader.child.exitCode).toBeNull();
      expect((await send({ method: 'GET', url: '/health', headers: {} }))?.status).toBe(200);
      const ready = await send({ method: 'GET', url: '/ready', headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(ready?.status, ready?.body).toBe(200);
      const health = await rawGrpc(raw, '/grpc.health.v1.Health/Check', new Uint8Array());
      expect(health.code).toBe(status.OK);
      expect([...(health.response ?? [])]).toEqual([0x08, 0x01]); // status: SERVING

      // A normal start still works, over REST and gRPC.
      const freshKey = stack.jira.seedIssue({
        summary: 'Fix add again',
        projectKey: PROJECT,
        repository: 'acme/calculator',
      });
      const started = await send({
        method: 'POST',
        url: '/api/v1/workflows',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ jira_ticket_id: freshKey, repository_owner: 'acme', repository_name: 'calculator' }),
      });
      expect(started?.status, started?.body).toBe(201);
      const view = await grpc.getWorkflowStatus({ workflow_id: `khitomer-${freshKey}` });
      expect(view).toMatchObject({ workflow_id: `khitomer-${freshKey}`, status: 'RUNNING' });
      const gKey = stack.jira.seedIssue({
        summary: 'Fix add by gRPC',
        projectKey: PROJECT,
        repository: 'acme/calculator',
      });
      const grpcStart = await grpc.startWorkflow({
        jira_ticket_id: gKey,
        repository_owner: 'acme',
        repository_name: 'calculator',
      });
      expect(grpcStart).toMatchObject({ workflow_id: `khitomer-${gKey}`, status: 'RUNNING' });

      // Nothing unexpected happened inside.
      // (The façades log anything they had to answer with 500/INTERNAL as `request failed` / `call failed`.)
      const bad = leader
        .logLines()
        .filter(
          (l) =>
            l.level === 'fatal' || (l.level === 'error' && (l.msg === 'request failed' || l.msg === 'call failed')),
        );
      expect(bad.map((l) => `${l.msg} ${JSON.stringify(l.err ?? l.error ?? '')}`)).toEqual([]);
    } finally {
      grpc.close();
      raw.close();
    }
  });
});
