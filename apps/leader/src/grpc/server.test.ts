import { Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { createLogger } from '@khitomer/observability';
import { service as healthService } from 'grpc-health-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { ServiceError as WorkflowServiceError } from '../service/types.js';
import { createLeaderClient, type GrpcServer, type LeaderClient, startGrpcServer } from './index.js';

const TOKEN = 'grpc-token';
const logger = createLogger({ service: 'test', level: 'silent' });
const startRequest = { jira_ticket_id: 'PROJ-7', repository_owner: 'acme', repository_name: 'widgets' };

/** The rejection of `promise` as a grpc-js ServiceError. */
async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

function healthCheck(address: string, serviceName: string): Promise<{ status: string }> {
  const check = healthService.Check;
  if (!check) throw new Error('no Check method');
  const client = new Client(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service: serviceName },
      (error: ServiceError | null, value?: object) => {
        client.close();
        if (error || !value) reject(error);
        else resolve(value as { status: string });
      },
    );
  });
}

describe('gRPC façade', () => {
  let service: FakeWorkflowService;
  const registry = new Registry();
  let server: GrpcServer;
  let address: string;
  let client: LeaderClient;

  beforeAll(async () => {
    service = new FakeWorkflowService();
    server = await startGrpcServer({
      service: {
        // Delegate so each test can swap the fake.
        start: (r) => service.start(r),
        get: (id) => service.get(id),
        cancel: (id) => service.cancel(id),
        approve: (id) => service.approve(id),
        reject: (id, reason) => service.reject(id, reason),
        listTasks: (o) => service.listTasks(o),
        readiness: () => service.readiness(),
      },
      apiToken: TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger,
      metricsRegistry: registry,
    });
    address = `127.0.0.1:${server.port}`;
    client = createLeaderClient(address, { apiToken: TOKEN });
  });
  beforeEach(() => {
    service = new FakeWorkflowService();
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  describe('translates to the service', () => {
    it('StartWorkflow', async () => {
      const answer = await client.startWorkflow({ ...startRequest, base_branch: 'develop', force: true });
      expect(answer).toEqual({ workflow_id: 'khitomer-PROJ-7', run_id: 'run-1', status: 'RUNNING' });
      expect(service.calls).toEqual([
        { method: 'start', args: [{ ...startRequest, base_branch: 'develop', force: true }] },
      ]);
    });

    it('StartWorkflow leaves unset optional fields out', async () => {
      await client.startWorkflow(startRequest);
      expect(service.calls[0]?.args[0]).toEqual(startRequest);
    });

    it('GetWorkflowStatus: null fields are absent, set ones present', async () => {
      service.seed({ workflow_id: 'khitomer-A-1', tokens_used: 1234 });
      expect(await client.getWorkflowStatus({ workflow_id: 'khitomer-A-1' })).toEqual({
        workflow_id: 'khitomer-A-1',
        run_id: 'run-1',
        status: 'RUNNING',
        jira_ticket_id: 'A-1',
        repository: 'acme/widgets',
        stage: 'implementing',
        tokens_used: 1234,
        started_at: '2025-01-01T00:00:00.000Z',
      });
      service.seed({
        workflow_id: 'khitomer-B-2',
        status: 'FAILED',
        error: 'tests failed',
        pull_request_url: 'https://github.com/acme/widgets/pull/9',
        closed_at: '2025-01-01T01:00:00.000Z',
      });
      expect(await client.getWorkflowStatus({ workflow_id: 'khitomer-B-2' })).toMatchObject({
        status: 'FAILED',
        error: 'tests failed',
        pull_request_url: 'https://github.com/acme/widgets/pull/9',
        closed_at: '2025-01-01T01:00:00.000Z',
      });
    });

    it('CancelWorkflow, ApprovePlan, RejectPlan', async () => {
      service.seed({ workflow_id: 'khitomer-A-1' });
      service.seed({ workflow_id: 'khitomer-B-2' });
      service.awaitingApproval.add('khitomer-A-1');
      service.awaitingApproval.add('khitomer-B-2');
      expect(await client.approvePlan({ workflow_id: 'khitomer-A-1' })).toEqual({
        workflow_id: 'khitomer-A-1',
        status: 'APPROVED',
      });
      expect(await client.rejectPlan({ workflow_id: 'khitomer-B-2', reason: 'too broad' })).toEqual({
        workflow_id: 'khitomer-B-2',
        status: 'REJECTED',
      });
      expect(await client.cancelWorkflow({ workflow_id: 'khitomer-A-1' })).toEqual({
        workflow_id: 'khitomer-A-1',
        status: 'CANCEL_REQUESTED',
      });
      expect(service.calls.map((c) => [c.method, ...c.args])).toEqual([
        ['approve', 'khitomer-A-1'],
        ['reject', 'khitomer-B-2', 'too broad'],
        ['cancel', 'khitomer-A-1'],
      ]);
    });

    it('GetProcessedTasks pages (default limit 50)', async () => {
      for (const key of ['A-1', 'B-2', 'C-3']) service.seed({ workflow_id: `khitomer-${key}` });
      service.runs.get('khitomer-C-3')!.closed_at = '2025-01-02T00:00:00.000Z';
      const first = await client.getProcessedTasks({ limit: 2 });
      expect(first.tasks.map((t) => t.jira_ticket_id)).toEqual(['A-1', 'B-2']);
      expect(first.tasks[0]).not.toHaveProperty('closed_at');
      const second = await client.getProcessedTasks({ limit: 2, page_token: first.next_page_token });
      expect(second).toEqual({
        tasks: [expect.objectContaining({ jira_ticket_id: 'C-3', closed_at: '2025-01-02T00:00:00.000Z' })],
        next_page_token: '',
      });
      await client.getProcessedTasks({});
      expect(service.calls.map((c) => c.args[0])).toEqual([
        { limit: 2 },
        { limit: 2, pageToken: first.next_page_token },
        { limit: 50 },
      ]);
    });
  });

  describe('errors', () => {
    it.each([
      ['missing ticket', { ...startRequest, jira_ticket_id: '' }, /jira_ticket_id must not be empty/],
      ['bad ticket', { ...startRequest, jira_ticket_id: 'nope' }, /jira_ticket_id must be a Jira issue key/],
      [
        'empty owner and name',
        { jira_ticket_id: 'A-1' },
        /repository_owner must not be empty; repository_name must not be empty/,
      ],
      ['bad branch', { ...startRequest, base_branch: 'a b' }, /base_branch must be a valid git branch name/],
      ['empty optional branch', { ...startRequest, base_branch: '' }, /base_branch must not be empty/],
    ])('StartWorkflow with %s → INVALID_ARGUMENT naming the field', async (_name, request, message) => {
      const error = await failure(client.call('StartWorkflow', request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toMatch(message);
      expect(service.calls).toEqual([]);
    });

    it.each([
      ['GetWorkflowStatus', { workflow_id: '' }, /workflow_id must not be empty/],
      ['CancelWorkflow', { workflow_id: '' }, /workflow_id must not be empty/],
      ['ApprovePlan', { workflow_id: 'x\u0007' }, /workflow_id must not contain control characters/],
      ['RejectPlan', { workflow_id: 'khitomer-A-1', reason: '  ' }, /reason must not be empty/],
      ['GetProcessedTasks', { limit: 0 }, /limit must be between 1 and 1000/],
      ['GetProcessedTasks', { limit: 5000 }, /limit must be between 1 and 1000/],
      ['GetProcessedTasks', { page_token: '' }, /page_token must not be empty/],
    ] as const)('%s %j → INVALID_ARGUMENT', async (method, request, message) => {
      const error = await failure(client.call(method, request));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toMatch(message);
    });

    it.each([
      [new WorkflowServiceError('not_found', 'no workflow'), status.NOT_FOUND],
      [new WorkflowServiceError('invalid_argument', 'ticket has no repository'), status.INVALID_ARGUMENT],
      [new WorkflowServiceError('failed_precondition', 'run ended'), status.FAILED_PRECONDITION],
      [new WorkflowServiceError('unavailable', 'Temporal is unreachable'), status.UNAVAILABLE],
    ])('%s → %i', async (error, code) => {
      service.failWith('get', error);
      const failed = await failure(client.getWorkflowStatus({ workflow_id: 'khitomer-A-1' }));
      expect(failed.code).toBe(code);
      expect(failed.details).toBe(error.message);
    });

    it('ALREADY_EXISTS carries the open run id in the message and trailers', async () => {
      await client.startWorkflow(startRequest);
      const error = await failure(client.startWorkflow(startRequest));
      expect(error.code).toBe(status.ALREADY_EXISTS);
      expect(error.details).toBe('a run for PROJ-7 is open (open run: workflow_id=khitomer-PROJ-7, run_id=run-1)');
      expect(error.metadata.get('workflow-id')).toEqual(['khitomer-PROJ-7']);
      expect(error.metadata.get('run-id')).toEqual(['run-1']);
    });

    it('anything else is INTERNAL without details, and the server keeps serving', async () => {
      service.failWith('get', new TypeError('secret stack detail'));
      const error = await failure(client.getWorkflowStatus({ workflow_id: 'khitomer-A-1' }));
      expect(error.code).toBe(status.INTERNAL);
      expect(error.details).toBe('internal error');
      service.clearFailures();
      service.seed({ workflow_id: 'khitomer-A-1' });
      expect((await client.getWorkflowStatus({ workflow_id: 'khitomer-A-1' })).workflow_id).toBe('khitomer-A-1');
    });

    it('a 1 MB request is RESOURCE_EXHAUSTED and never reaches the service', async () => {
      const error = await failure(client.rejectPlan({ workflow_id: 'khitomer-A-1', reason: 'x'.repeat(1024 * 1024) }));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(service.calls).toEqual([]);
      expect((await client.getProcessedTasks({})).tasks).toEqual([]);
    });

    it('a service method that throws synchronously is INTERNAL, not a crash', async () => {
      service.get = () => {
        throw new Error('sync bug');
      };
      const error = await failure(client.getWorkflowStatus({ workflow_id: 'khitomer-A-1' }));
      expect(error.code).toBe(status.INTERNAL);
      expect(error.details).toBe('internal error');
    });

    it('errors are counted in khitomer_api_errors_total{api="grpc"}', async () => {
      expect(await registry.metrics()).toMatch(/khitomer_api_errors_total\{api="grpc",code="invalid_argument"\} \d+/);
    });
  });

  describe('auth', () => {
    it.each([
      ['no token', undefined, 'missing bearer token'],
      ['wrong token', 'nope', 'invalid bearer token'],
    ])('%s → UNAUTHENTICATED on every method, before the service is called', async (_name, token, message) => {
      const other = createLeaderClient(address, { apiToken: token });
      for (const method of [
        'StartWorkflow',
        'GetWorkflowStatus',
        'CancelWorkflow',
        'GetProcessedTasks',
        'ApprovePlan',
        'RejectPlan',
      ] as const) {
        const error = await failure(other.call(method, { workflow_id: 'khitomer-A-1' }));
        expect(error.code, method).toBe(status.UNAUTHENTICATED);
        expect(error.details).toBe(message);
      }
      other.close();
      expect(service.calls).toEqual([]);
    });

    it('the health service needs no token and reports SERVING', async () => {
      expect(await healthCheck(address, '')).toEqual({ status: 'SERVING' });
      expect(await healthCheck(address, 'khitomer.v1.LeaderService')).toEqual({ status: 'SERVING' });
    });
  });

  it('stop() closes the server and is idempotent', async () => {
    const other = await startGrpcServer({ service, host: '127.0.0.1', port: 0, logger });
    const otherAddress = `127.0.0.1:${other.port}`;
    const open = createLeaderClient(otherAddress);
    service.seed({ workflow_id: 'khitomer-A-1' });
    expect((await open.getWorkflowStatus({ workflow_id: 'khitomer-A-1' })).workflow_id).toBe('khitomer-A-1');
    await Promise.all([other.stop(), other.stop()]);
    const error = await failure(open.getWorkflowStatus({ workflow_id: 'khitomer-A-1' }));
    expect(error.code).toBe(status.UNAVAILABLE);
    open.close();
  });

  it('refuses an empty token at start', async () => {
    await expect(startGrpcServer({ service, apiToken: '', host: '127.0.0.1', port: 0, logger })).rejects.toThrow(
      TypeError,
    );
  });
});
