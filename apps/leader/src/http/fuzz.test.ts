import { createLogger } from '@khitomer/observability';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
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

/** Boundary-flavoured values for any field. */
const weirdValue = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '-',
    '..',
    'A-0',
    'PROJ-1',
    'x'.repeat(65),
    'x'.repeat(5000),
    '💥',
    null,
    true,
    0,
    -1,
  ),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Any generated value as query-string text. */
function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

const fieldName = fc.oneof(
  fc.constantFrom(
    'jira_ticket_id',
    'repository_owner',
    'repository_name',
    'base_branch',
    'force',
    'reason',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 12 }),
);

/** A valid start body with fields replaced, removed or added. */
const mutatedStartBody = fc
  .tuple(fc.array(fc.tuple(fieldName, fc.option(weirdValue, { nil: undefined })), { maxLength: 4 }))
  .map(([edits]) => {
    const body: Record<string, unknown> = { ...valid };
    for (const [key, value] of edits) {
      if (value === undefined) delete body[key];
      else Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return JSON.stringify(body);
  });

const rawBody = fc.oneof(
  mutatedStartBody,
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '}', '[]', 'null', '{"a":', '\uFEFF{}', `{"x":"${'y'.repeat(70_000)}"}`),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/xml', 'multipart/form-data', ''),
  fc.string({ maxLength: 30 }),
);

const workflowId = fc.oneof(
  fc.constantFrom('khitomer-PROJ-7', 'khitomer-NOPE-1', '', ' ', '..', '%', '%00', '%E0%A4%A', 'a'.repeat(1001)),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc.string({ maxLength: 40 }).filter((s) => !/[\s#?/]/.test(s)),
);

const queryString = fc.oneof(
  fc
    .record({
      limit: fc.option(weirdValue.map(asText), { nil: undefined }),
      page_token: fc.option(fc.string(), { nil: undefined }),
    })
    .map((q) =>
      new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
    ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(
    'limit=1&limit=2',
    'limit=-0',
    'limit=1e3',
    'limit=Infinity',
    'limit=0x10',
    'page_token=',
    'x=1',
    '&&&',
    '==',
  ),
);

const request: fc.Arbitrary<InjectOptions> = fc.oneof(
  fc.tuple(rawBody, contentType).map(([payload, type]) => ({
    method: 'POST' as const,
    url: '/api/v1/workflows',
    headers: { ...auth, ...(type === '' ? {} : { 'content-type': type }) },
    payload,
  })),
  fc.tuple(workflowId, fc.constantFrom('GET', 'DELETE') as fc.Arbitrary<'GET' | 'DELETE'>).map(([id, method]) => ({
    method,
    url: `/api/v1/workflows/${id}`,
    headers: auth,
  })),
  fc
    .tuple(workflowId, fc.constantFrom('approve', 'reject'), rawBody, contentType)
    .map(([id, action, payload, type]) => ({
      method: 'POST' as const,
      url: `/api/v1/workflows/${id}/${action}`,
      headers: { ...auth, ...(type === '' ? {} : { 'content-type': type }) },
      payload,
    })),
  queryString.map((query) => ({ method: 'GET' as const, url: `/api/v1/tasks?${query}`, headers: auth })),
  fc.string({ maxLength: 60 }).map((authorization) => ({
    method: 'GET' as const,
    url: '/api/v1/tasks',
    headers: { authorization },
  })),
);

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
      fc.asyncProperty(mutatedStartBody, async (payload) => {
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
