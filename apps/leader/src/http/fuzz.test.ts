import { createLogger } from '@khitomer/observability';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { mutatedStartBody, restRequest } from '../security/fuzz-arbitraries.js';
import { createRestApp } from './index.js';

const TOKEN = 'fuzz-token';
const auth = { authorization: `Bearer ${TOKEN}` };
/** Every status the REST façade documents for a bad or good request (503 only comes from the service). */
const DOCUMENTED = new Set([200, 201, 202, 400, 401, 404, 409, 413, 415]);
const ERROR_CODES = new Set([
  'invalid_argument',
  'unauthenticated',
  'not_found',
  'already_exists',
  'failed_precondition',
  'payload_too_large',
  'unsupported_media_type',
]);

const valid = { jira_ticket_id: 'PROJ-7', repository_owner: 'acme', repository_name: 'widgets' };
const request = restRequest({ authorization: `Bearer ${TOKEN}`, validBody: valid, knownId: 'khitomer-PROJ-7' });
const startBody = mutatedStartBody(valid);

describe('REST fuzzing (fast-check)', () => {
  const service = new FakeWorkflowService();
  const app = createRestApp({ service, apiToken: TOKEN, logger: createLogger({ service: 'test', level: 'silent' }) });
  beforeAll(async () => {
    service.seed({ workflow_id: 'khitomer-PROJ-7' });
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers only documented statuses, never a 500, always a well-formed error envelope', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (options) => {
        const response = await app.inject(options);
        expect(DOCUMENTED, `${options.method} ${options.url} → ${response.statusCode} ${response.body}`).toContain(
          response.statusCode,
        );
        if (response.statusCode >= 400) {
          const body = response.json() as { error: { code: string; message: string } };
          expect(ERROR_CODES).toContain(body.error.code);
          expect(body.error.message.length).toBeGreaterThan(0);
          expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
        }
      }),
      { numRuns: 3000 },
    );
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('every 400 for a start body names at least one field', async () => {
    await fc.assert(
      fc.asyncProperty(startBody, async (payload) => {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/workflows',
          headers: { ...auth, 'content-type': 'application/json' },
          payload,
        });
        if (response.statusCode !== 400) return;
        const { error } = response.json() as { error: { message: string; details?: { fields: { field: string }[] } } };
        if (error.message === 'body is not valid JSON') return;
        const fields = error.details?.fields ?? [];
        expect(fields.length).toBeGreaterThan(0);
        for (const { field } of fields) expect(error.message).toContain(field);
      }),
      { numRuns: 1000 },
    );
  });
});
