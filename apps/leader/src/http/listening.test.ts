import type { AddressInfo } from 'node:net';
import { createLogger } from '@khitomer/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { createRestApp } from './index.js';

const TOKEN = 'http-token';

describe('REST façade over real HTTP', () => {
  const service = new FakeWorkflowService();
  const app = createRestApp({ service, apiToken: TOKEN, logger: createLogger({ service: 'test', level: 'silent' }) });
  let base: string;

  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });

  it('start → status → cancel → tasks', async () => {
    const started = await call('/api/v1/workflows', {
      method: 'POST',
      body: JSON.stringify({ jira_ticket_id: 'WEB-1', repository_owner: 'acme', repository_name: 'site' }),
    });
    expect(started.status).toBe(201);
    const { workflow_id: id } = (await started.json()) as { workflow_id: string };

    const status = await call(`/api/v1/workflows/${encodeURIComponent(id)}`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ workflow_id: id, status: 'RUNNING', repository: 'acme/site' });

    // Clients that send `content-type: application/json` on a bodiless DELETE are fine.
    const cancelled = await call(`/api/v1/workflows/${id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(202);

    const tasks = await call('/api/v1/tasks?limit=10');
    expect(await tasks.json()).toMatchObject({ tasks: [{ workflow_id: id, status: 'CANCELED' }] });
  });

  it('a 1 MB body is refused with 413 and the server keeps serving', async () => {
    const response = await call('/api/v1/workflows', { method: 'POST', body: `{"x":"${'y'.repeat(1024 * 1024)}"}` });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'payload_too_large', message: 'request body exceeds 65536 bytes' },
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('malformed JSON and a wrong token answer the envelope', async () => {
    const malformed = await call('/api/v1/workflows', { method: 'POST', body: '{"jira_ticket_id":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { code: 'invalid_argument', message: 'body is not valid JSON' } });
    const unauthorized = await call('/api/v1/tasks', { headers: { authorization: 'Bearer nope' } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
  });
});
