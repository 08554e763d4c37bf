import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { createLogger } from '@khitomer/observability';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { grpcRequestObject, LEADER_METHODS } from '../security/fuzz-arbitraries.js';
import { createLeaderClient, type GrpcServer, type LeaderClient, type LeaderMethod, startGrpcServer } from './index.js';

const TOKEN = 'fuzz-token';
/** Statuses a well-behaved server may answer to any input (never INTERNAL or UNKNOWN). */
const DOCUMENTED = new Set([
  status.OK,
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
]);
const METHODS = LEADER_METHODS;
const requestObject = grpcRequestObject();

function rawCall(client: Client, method: LeaderMethod, bytes: Uint8Array): Promise<number> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      `/khitomer.v1.LeaderService/${method}`,
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.from(bytes),
      metadata,
      (error: ServiceError | null) => resolve(error ? error.code : status.OK),
    ),
  );
}

describe('gRPC fuzzing (fast-check)', () => {
  const service = new FakeWorkflowService();
  let server: GrpcServer;
  let client: LeaderClient;
  let raw: Client;

  beforeAll(async () => {
    service.seed({ workflow_id: 'khitomer-PROJ-1' });
    server = await startGrpcServer({
      service,
      apiToken: TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    client = createLeaderClient(`127.0.0.1:${server.port}`, { apiToken: TOKEN });
    raw = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    raw.close();
    await server.stop();
  });

  it('random request messages get documented statuses only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), requestObject, async (method, request) => {
        let code: number = status.OK;
        try {
          await client.call(method, request);
        } catch (error) {
          code = (error as ServiceError).code;
          if (code === status.INVALID_ARGUMENT) expect((error as ServiceError).details).toMatch(/\w+ (must|is) /);
        }
        expect(DOCUMENTED, `${method} ${JSON.stringify(request)} → ${code}`).toContain(code);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes are INVALID_ARGUMENT (or a valid request), never INTERNAL', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), fc.uint8Array({ maxLength: 64 }), async (method, bytes) => {
        const code = await rawCall(raw, method, bytes);
        expect(DOCUMENTED, `${method} ${Buffer.from(bytes).toString('hex')} → ${code}`).toContain(code);
      }),
      { numRuns: 300 },
    );
    expect((await client.getWorkflowStatus({ workflow_id: 'khitomer-PROJ-1' })).workflow_id).toBe('khitomer-PROJ-1');
  });
});
