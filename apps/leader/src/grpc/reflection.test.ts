import { createRequire } from 'node:module';
import path from 'node:path';
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { createLogger } from '@khitomer/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { type GrpcServer, LEADER_PROTO_LOADER_OPTIONS, startGrpcServer } from './index.js';

const TOKEN = 'reflection-token';

/** The v1 reflection method, from the .proto that @grpc/reflection ships. */
function reflectionMethod(): MethodDefinition<object, ReflectionResponse> {
  const packageRoot = path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json'));
  const definition = loadSync(path.join(packageRoot, 'build/proto/grpc/reflection/v1/reflection.proto'), {
    keepCase: true,
    defaults: false,
  });
  const service = definition['grpc.reflection.v1.ServerReflection'] as Record<
    string,
    MethodDefinition<object, ReflectionResponse>
  >;
  return service.ServerReflectionInfo!;
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** Sends one reflection request on a fresh stream and returns the first answer. */
function reflect(address: string, request: object, token?: string): Promise<ReflectionResponse> {
  const method = reflectionMethod();
  const client = new Client(address, credentials.createInsecure());
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    const stream = client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      metadata,
    );
    stream.on('data', (response: ReflectionResponse) => {
      resolve(response);
      stream.end();
      client.close();
    });
    stream.on('error', (error) => {
      client.close();
      reject(error);
    });
    stream.write(request);
  });
}

/** Wraps FileDescriptorProto bytes into a FileDescriptorSet (`repeated FileDescriptorProto file = 1`). */
function fileDescriptorSet(files: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const length: number[] = [];
    let n = file.length;
    while (n > 0x7f) {
      length.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    length.push(n);
    parts.push(Buffer.from([0x0a, ...length]), file);
  }
  return Buffer.concat(parts);
}

describe('gRPC server reflection', () => {
  const service = new FakeWorkflowService();
  let server: GrpcServer;
  let address: string;

  beforeAll(async () => {
    service.seed({ workflow_id: 'khitomer-REF-1' });
    server = await startGrpcServer({
      service,
      apiToken: TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    address = `127.0.0.1:${server.port}`;
  });
  afterAll(() => server.stop());

  it('lists the leader and health services (what `grpcurl list` shows)', async () => {
    const response = await reflect(address, { list_services: '*' }, TOKEN);
    const names = response.list_services_response?.service.map((s) => s.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['khitomer.v1.LeaderService', 'grpc.health.v1.Health']));
  });

  it('needs the token, like every other non-health call', async () => {
    await expect(reflect(address, { list_services: '*' })).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  });

  it('describes the service well enough to call it without the proto file', async () => {
    const response = await reflect(address, { file_containing_symbol: 'khitomer.v1.LeaderService' }, TOKEN);
    const files = response.file_descriptor_response?.file_descriptor_proto ?? [];
    expect(files.length).toBeGreaterThan(0);
    const definition = loadFileDescriptorSetFromBuffer(fileDescriptorSet(files), LEADER_PROTO_LOADER_OPTIONS);
    const leader = definition['khitomer.v1.LeaderService'] as Record<string, MethodDefinition<object, object>>;
    expect(Object.keys(leader).sort()).toEqual(
      ['ApprovePlan', 'CancelWorkflow', 'GetProcessedTasks', 'GetWorkflowStatus', 'RejectPlan', 'StartWorkflow'].sort(),
    );
    const getStatus = leader.GetWorkflowStatus!;
    const client = new Client(address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    const answer = await new Promise<object>((resolve, reject) =>
      client.makeUnaryRequest(
        getStatus.path,
        getStatus.requestSerialize,
        getStatus.responseDeserialize,
        { workflow_id: 'khitomer-REF-1' },
        metadata,
        (error: ServiceError | null, value?: object) => (error || !value ? reject(error) : resolve(value)),
      ),
    );
    client.close();
    expect(answer).toMatchObject({ workflow_id: 'khitomer-REF-1', status: 'RUNNING', jira_ticket_id: 'REF-1' });
  });
});
