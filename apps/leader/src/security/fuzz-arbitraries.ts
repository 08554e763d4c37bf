/**
 * Test helper: fast-check generators of random and boundary requests for the REST and gRPC
 * façades, shared by their fuzz tests against a fake service (`http/fuzz.test.ts`,
 * `grpc/fuzz.test.ts`) and against the real leader (`security/leader-fuzz.int.test.ts`).
 */

import fc from 'fast-check';
import type { LeaderMethod } from '../grpc/index.js';

/** Every leader gRPC method. */
export const LEADER_METHODS: LeaderMethod[] = [
  'StartWorkflow',
  'GetWorkflowStatus',
  'CancelWorkflow',
  'GetProcessedTasks',
  'ApprovePlan',
  'RejectPlan',
];

/** Error codes of the REST envelope a well-behaved leader may answer with (never `internal`). */
export const REST_ERROR_CODES = new Set([
  'invalid_argument',
  'unauthenticated',
  'not_found',
  'already_exists',
  'failed_precondition',
  'payload_too_large',
  'unsupported_media_type',
  'unavailable',
]);

/** Boundary-flavoured values for any field. */
export const weirdValue = fc.oneof(
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
export function asText(value: unknown): string {
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

/** A valid start body with fields replaced, removed or added, as JSON text. */
export function mutatedStartBody(valid: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fieldName, fc.option(weirdValue, { nil: undefined })), { maxLength: 4 }).map((edits) => {
    const body: Record<string, unknown> = { ...valid };
    for (const [key, value] of edits) {
      if (value === undefined) delete body[key];
      else Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return JSON.stringify(body);
  });
}

/** Request bodies: mutated start bodies, any JSON, any text, broken JSON, a body over the limit. */
export function rawBody(valid: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    mutatedStartBody(valid),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '}', '[]', 'null', '{"a":', '\uFEFF{}', `{"x":"${'y'.repeat(70_000)}"}`),
  );
}

/** Content types, mostly JSON. */
export const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/xml', 'multipart/form-data', ''),
  fc.string({ maxLength: 30 }),
);

/** Workflow ids for the URL path (already URL-safe), around `knownId`. */
export function workflowIdSegment(knownId: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(knownId, 'khitomer-NOPE-1', '', ' ', '..', '%', '%00', '%E0%A4%A', 'a'.repeat(1001)),
    fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
    fc.string({ maxLength: 40 }).filter((s) => !/[\s#?/]/.test(s)),
  );
}

/** Query strings of `GET /api/v1/tasks`. */
export const tasksQuery = fc.oneof(
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

/** One REST request (the shape of Fastify's `inject` options and of a real HTTP request). */
export interface FuzzRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/**
 * Random and boundary REST requests against every route, with `authorization` as given (and
 * sometimes a random one). `validBody` is a start body that would succeed; `knownId` an existing
 * workflow id.
 */
export function restRequest(options: {
  authorization: string;
  validBody: Record<string, unknown>;
  knownId: string;
}): fc.Arbitrary<FuzzRequest> {
  const auth = { authorization: options.authorization };
  const body = rawBody(options.validBody);
  const id = workflowIdSegment(options.knownId);
  const withType = (type: string) => ({ ...auth, ...(type === '' ? {} : { 'content-type': type }) });
  return fc.oneof(
    fc.tuple(body, contentType).map(([payload, type]) => ({
      method: 'POST' as const,
      url: '/api/v1/workflows',
      headers: withType(type),
      payload,
    })),
    fc.tuple(id, fc.constantFrom('GET', 'DELETE') as fc.Arbitrary<'GET' | 'DELETE'>).map(([workflowId, method]) => ({
      method,
      url: `/api/v1/workflows/${workflowId}`,
      headers: auth,
    })),
    fc
      .tuple(id, fc.constantFrom('approve', 'reject'), body, contentType)
      .map(([workflowId, action, payload, type]) => ({
        method: 'POST' as const,
        url: `/api/v1/workflows/${workflowId}/${action}`,
        headers: withType(type),
        payload,
      })),
    tasksQuery.map((query) => ({ method: 'GET' as const, url: `/api/v1/tasks?${query}`, headers: auth })),
    fc.string({ maxLength: 60 }).map((authorization) => ({
      method: 'GET' as const,
      url: '/api/v1/tasks',
      headers: { authorization },
    })),
  );
}

/** Text fields of gRPC requests. */
export function grpcText(knownValues: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      'PROJ-1',
      'khitomer-PROJ-1',
      'acme',
      'main',
      'a..b',
      '\u0000',
      'x'.repeat(2001),
      ...knownValues,
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

/** A request object with any subset of any leader request's fields, typed as the proto wants. */
export function grpcRequestObject(knownValues: readonly string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const text = grpcText(knownValues);
  return fc.record(
    {
      jira_ticket_id: text,
      repository_owner: text,
      repository_name: text,
      base_branch: text,
      force: fc.boolean(),
      workflow_id: text,
      reason: text,
      limit: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, 1000, 1001)),
      page_token: text,
    },
    { requiredKeys: [] },
  );
}
