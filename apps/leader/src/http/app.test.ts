import { createLogger } from '@khitomer/observability';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { ServiceError } from '../service/types.js';
import { createRestApp } from './index.js';

const TOKEN = 'test-token-123';
const auth = { authorization: `Bearer ${TOKEN}` };
const startBody = { jira_ticket_id: 'PROJ-7', repository_owner: 'acme', repository_name: 'widgets' };

describe('REST façade', () => {
  let service: FakeWorkflowService;
  let registry: Registry;
  let app: ReturnType<typeof createRestApp>;

  beforeEach(() => {
    service = new FakeWorkflowService();
    registry = new Registry();
    app = createRestApp({
      service,
      apiToken: TOKEN,
      logger: createLogger({ service: 'test', level: 'silent' }),
      metricsRegistry: registry,
    });
  });
  afterEach(() => app.close());

  describe('translates to the service', () => {
    it('POST /api/v1/workflows starts a run → 201', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows',
        headers: auth,
        payload: { ...startBody, base_branch: 'develop', force: true },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ workflow_id: 'khitomer-PROJ-7', run_id: 'run-1', status: 'RUNNING' });
      expect(service.calls).toEqual([
        { method: 'start', args: [{ ...startBody, base_branch: 'develop', force: true }] },
      ]);
    });

    it('GET /api/v1/workflows/:id returns every documented field', async () => {
      service.seed({ workflow_id: 'khitomer-PROJ-7', pull_request_url: 'https://github.com/acme/widgets/pull/3' });
      const response = await app.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-PROJ-7', headers: auth });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.json()).sort()).toEqual(
        [
          'workflow_id',
          'run_id',
          'status',
          'jira_ticket_id',
          'repository',
          'stage',
          'pull_request_url',
          'tokens_used',
          'error',
          'started_at',
          'closed_at',
        ].sort(),
      );
      expect(response.json()).toMatchObject({
        status: 'RUNNING',
        stage: 'implementing',
        pull_request_url: 'https://github.com/acme/widgets/pull/3',
        closed_at: null,
      });
    });

    it('DELETE /api/v1/workflows/:id requests cancellation → 202', async () => {
      service.seed({ workflow_id: 'khitomer-PROJ-7' });
      const response = await app.inject({ method: 'DELETE', url: '/api/v1/workflows/khitomer-PROJ-7', headers: auth });
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ workflow_id: 'khitomer-PROJ-7', status: 'CANCEL_REQUESTED' });
    });

    it('approve and reject send the decision with the reason', async () => {
      service.seed({ workflow_id: 'khitomer-A-1' });
      service.seed({ workflow_id: 'khitomer-B-2' });
      service.awaitingApproval.add('khitomer-A-1');
      service.awaitingApproval.add('khitomer-B-2');
      const approved = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows/khitomer-A-1/approve',
        headers: auth,
      });
      expect(approved.statusCode).toBe(200);
      expect(approved.json()).toEqual({ workflow_id: 'khitomer-A-1', status: 'APPROVED' });
      const withEmptyBody = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows/khitomer-A-1/approve',
        headers: auth,
        payload: {},
      });
      expect(withEmptyBody.statusCode).toBe(409);
      const rejected = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows/khitomer-B-2/reject',
        headers: auth,
        payload: { reason: 'touches billing' },
      });
      expect(rejected.statusCode).toBe(200);
      expect(rejected.json()).toEqual({ workflow_id: 'khitomer-B-2', status: 'REJECTED' });
      expect(service.calls.at(-1)).toEqual({ method: 'reject', args: ['khitomer-B-2', 'touches billing'] });
    });

    it('GET /api/v1/tasks pages with limit and page_token (default limit 50)', async () => {
      for (const key of ['A-1', 'B-2', 'C-3']) service.seed({ workflow_id: `khitomer-${key}` });
      const first = await app.inject({ method: 'GET', url: '/api/v1/tasks?limit=2', headers: auth });
      expect(first.statusCode).toBe(200);
      expect(first.json().tasks.map((t: { jira_ticket_id: string }) => t.jira_ticket_id)).toEqual(['A-1', 'B-2']);
      const token = first.json().next_page_token as string;
      const second = await app.inject({
        method: 'GET',
        url: `/api/v1/tasks?limit=2&page_token=${token}`,
        headers: auth,
      });
      expect(second.json()).toMatchObject({ tasks: [{ jira_ticket_id: 'C-3' }], next_page_token: '' });
      await app.inject({ method: 'GET', url: '/api/v1/tasks', headers: auth });
      expect(service.calls.map((c) => c.args[0])).toEqual([
        { limit: 2 },
        { limit: 2, pageToken: token },
        { limit: 50 },
      ]);
    });
  });

  describe('maps service errors', () => {
    it.each([
      [new ServiceError('invalid_argument', 'ticket PROJ-7 has no repository'), 400, 'invalid_argument'],
      [new ServiceError('not_found', 'no workflow'), 404, 'not_found'],
      [new ServiceError('failed_precondition', 'run ended'), 409, 'failed_precondition'],
      [new ServiceError('unavailable', 'Temporal is unreachable'), 503, 'unavailable'],
    ])('%s → %i', async (error, status, code) => {
      service.failWith('get', error);
      const response = await app.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-X-1', headers: auth });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ error: { code, message: error.message } });
    });

    it('409 for an open run carries its ids', async () => {
      await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: auth, payload: startBody });
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/workflows',
        headers: auth,
        payload: startBody,
      });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({
        error: {
          code: 'already_exists',
          message: 'a run for PROJ-7 is open',
          details: { workflow_id: 'khitomer-PROJ-7', run_id: 'run-1' },
        },
      });
    });

    it('anything else is a generic 500 without details or stack, and the app keeps serving', async () => {
      const bug = new TypeError('cannot read properties of undefined (reading "secret")');
      service.failWith('get', bug);
      const response = await app.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-X-1', headers: auth });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
      expect(response.body).not.toMatch(/secret|TypeError|at .*\.ts/);
      service.clearFailures();
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    });

    it('a response the service got wrong is a 500, not a malformed answer', async () => {
      service.seed({ workflow_id: 'khitomer-X-1', status: 'SLEEPING' as never });
      const response = await app.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-X-1', headers: auth });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    });
  });

  describe('auth', () => {
    it.each([
      ['no header', {}, 'missing bearer token'],
      ['wrong token', { authorization: 'Bearer nope' }, 'invalid bearer token'],
      ['wrong scheme', { authorization: `Basic ${TOKEN}` }, 'invalid bearer token'],
      ['token without scheme', { authorization: TOKEN }, 'invalid bearer token'],
    ])('%s → 401 on every protected route', async (_name, headers, message) => {
      for (const [method, url] of [
        ['POST', '/api/v1/workflows'],
        ['GET', '/api/v1/workflows/khitomer-X-1'],
        ['DELETE', '/api/v1/workflows/khitomer-X-1'],
        ['POST', '/api/v1/workflows/khitomer-X-1/approve'],
        ['POST', '/api/v1/workflows/khitomer-X-1/reject'],
        ['GET', '/api/v1/tasks'],
        ['GET', '/ready'],
        ['GET', '/metrics'],
        ['GET', '/docs/json'],
        ['GET', '/docs'],
      ] as const) {
        const response = await app.inject({ method, url, headers, payload: method === 'POST' ? startBody : undefined });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toEqual({ error: { code: 'unauthenticated', message } });
        expect(response.body).not.toContain(TOKEN);
      }
      expect(service.calls).toEqual([]);
    });

    it('/health needs no token', async () => {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('without an API token configured nothing needs one', async () => {
      const open = createRestApp({ service, logger: createLogger({ service: 'test', level: 'silent' }) });
      service.seed({ workflow_id: 'khitomer-X-1' });
      expect((await open.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-X-1' })).statusCode).toBe(200);
      await open.close();
    });

    it('refuses an empty token at construction', () => {
      expect(() =>
        createRestApp({ service, apiToken: '', logger: createLogger({ service: 'test', level: 'silent' }) }),
      ).toThrow(TypeError);
    });
  });

  describe('operations', () => {
    it('/ready is 200 when Temporal and Jira are reachable', async () => {
      const response = await app.inject({ method: 'GET', url: '/ready', headers: auth });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ready', temporal: true, jira: true });
    });

    it('/ready is 503 naming what is down', async () => {
      service.readinessState = { temporal: false, jira: true };
      const response = await app.inject({ method: 'GET', url: '/ready', headers: auth });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: {
          code: 'unavailable',
          message: 'not ready: temporal unreachable',
          details: { temporal: false, jira: true },
        },
      });
    });

    it('/ready is 503 when the readiness probe itself throws', async () => {
      service.failWith('readiness', new Error('socket hang up'));
      const response = await app.inject({ method: 'GET', url: '/ready', headers: auth });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('unavailable');
    });

    it('/metrics serves the registry in Prometheus text format, API errors included', async () => {
      await app.inject({ method: 'GET', url: '/api/v1/workflows/khitomer-NOPE-1', headers: auth });
      await app.inject({ method: 'GET', url: '/api/v1/tasks' });
      const response = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toContain('khitomer_api_errors_total{api="rest",code="not_found"} 1');
      expect(response.body).toContain('khitomer_api_errors_total{api="rest",code="unauthenticated"} 1');
    });

    it('/docs serves the Swagger UI', async () => {
      const response = await app.inject({ method: 'GET', url: '/docs', headers: auth });
      expect([200, 302]).toContain(response.statusCode);
      const page =
        response.statusCode === 302
          ? await app.inject({ method: 'GET', url: response.headers.location as string, headers: auth })
          : response;
      expect(page.body).toContain('swagger');
    });

    it('an unknown route is a 404 envelope', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/v2/nothing?x=1', headers: auth });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /api/v2/nothing' } });
    });
  });
});
