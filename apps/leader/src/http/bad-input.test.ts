import { createLogger } from '@khitomer/observability';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { createRestApp } from './index.js';

const TOKEN = 'table-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };
const valid = { jira_ticket_id: 'PROJ-7', repository_owner: 'acme', repository_name: 'widgets' };
const oneMegabyte = JSON.stringify({ ...valid, padding: 'x'.repeat(1024 * 1024) });

interface Case {
  name: string;
  request: InjectOptions;
  status: number;
  code: string;
  /** Words the message must contain (the field or the problem). */
  message: RegExp;
}

const start = (payload: unknown, headers: Record<string, string> = json): InjectOptions => ({
  method: 'POST',
  url: '/api/v1/workflows',
  headers,
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});

const cases: Case[] = [
  // missing fields
  {
    name: 'missing jira_ticket_id',
    request: start({ ...valid, jira_ticket_id: undefined }),
    status: 400,
    code: 'invalid_argument',
    message: /jira_ticket_id is required/,
  },
  {
    name: 'missing repository_owner',
    request: start({ ...valid, repository_owner: undefined }),
    status: 400,
    code: 'invalid_argument',
    message: /repository_owner is required/,
  },
  {
    name: 'missing repository_name',
    request: start({ ...valid, repository_name: undefined }),
    status: 400,
    code: 'invalid_argument',
    message: /repository_name is required/,
  },
  {
    name: 'empty object',
    request: start({}),
    status: 400,
    code: 'invalid_argument',
    message: /jira_ticket_id is required; repository_owner is required; repository_name is required/,
  },
  {
    name: 'missing reject reason',
    request: { method: 'POST', url: '/api/v1/workflows/khitomer-PROJ-7/reject', headers: json, payload: '{}' },
    status: 400,
    code: 'invalid_argument',
    message: /reason is required/,
  },
  // extra fields
  {
    name: 'unknown body field',
    request: start({ ...valid, priority: 'high' }),
    status: 400,
    code: 'invalid_argument',
    message: /priority is not a known field/,
  },
  {
    name: 'unknown reject field',
    request: {
      method: 'POST',
      url: '/api/v1/workflows/khitomer-PROJ-7/reject',
      headers: json,
      payload: JSON.stringify({ reason: 'no', by: 'me' }),
    },
    status: 400,
    code: 'invalid_argument',
    message: /by is not a known field/,
  },
  {
    name: 'unknown approve field',
    request: {
      method: 'POST',
      url: '/api/v1/workflows/khitomer-PROJ-7/approve',
      headers: json,
      payload: JSON.stringify({ reason: 'ok' }),
    },
    status: 400,
    code: 'invalid_argument',
    message: /reason is not a known field/,
  },
  {
    name: 'unknown query parameter',
    request: { method: 'GET', url: '/api/v1/tasks?limt=5', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /limt is not a known field/,
  },
  // wrong types
  {
    name: 'number ticket id',
    request: start({ ...valid, jira_ticket_id: 42 }),
    status: 400,
    code: 'invalid_argument',
    message: /jira_ticket_id must be a string/,
  },
  {
    name: 'string force',
    request: start({ ...valid, force: 'true' }),
    status: 400,
    code: 'invalid_argument',
    message: /force must be a boolean/,
  },
  {
    name: 'null base_branch',
    request: start({ ...valid, base_branch: null }),
    status: 400,
    code: 'invalid_argument',
    message: /base_branch must be a string/,
  },
  {
    name: 'object owner',
    request: start({ ...valid, repository_owner: { login: 'acme' } }),
    status: 400,
    code: 'invalid_argument',
    message: /repository_owner must be a string/,
  },
  {
    name: 'array body',
    request: start([valid]),
    status: 400,
    code: 'invalid_argument',
    message: /body must be a JSON object/,
  },
  {
    name: 'string body',
    request: start('"PROJ-7"'),
    status: 400,
    code: 'invalid_argument',
    message: /body must be a JSON object/,
  },
  {
    name: 'non-numeric limit',
    request: { method: 'GET', url: '/api/v1/tasks?limit=ten', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /limit must be a number/,
  },
  {
    name: 'limit out of range',
    request: { method: 'GET', url: '/api/v1/tasks?limit=0', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /limit must be between 1 and 1000/,
  },
  {
    name: 'fractional limit',
    request: { method: 'GET', url: '/api/v1/tasks?limit=2.5', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /limit must be an integer/,
  },
  // empty strings and bad formats
  {
    name: 'empty ticket id',
    request: start({ ...valid, jira_ticket_id: '' }),
    status: 400,
    code: 'invalid_argument',
    message: /jira_ticket_id must not be empty/,
  },
  {
    name: 'empty owner',
    request: start({ ...valid, repository_owner: '' }),
    status: 400,
    code: 'invalid_argument',
    message: /repository_owner must not be empty/,
  },
  {
    name: 'empty name',
    request: start({ ...valid, repository_name: '' }),
    status: 400,
    code: 'invalid_argument',
    message: /repository_name must not be empty/,
  },
  {
    name: 'empty base branch',
    request: start({ ...valid, base_branch: '' }),
    status: 400,
    code: 'invalid_argument',
    message: /base_branch must not be empty/,
  },
  {
    name: 'empty reject reason',
    request: {
      method: 'POST',
      url: '/api/v1/workflows/khitomer-PROJ-7/reject',
      headers: json,
      payload: JSON.stringify({ reason: '' }),
    },
    status: 400,
    code: 'invalid_argument',
    message: /reason must not be empty/,
  },
  {
    name: 'empty page token',
    request: { method: 'GET', url: '/api/v1/tasks?page_token=', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /page_token must not be empty/,
  },
  {
    name: 'lower-case ticket id',
    request: start({ ...valid, jira_ticket_id: 'proj-7' }),
    status: 400,
    code: 'invalid_argument',
    message: /jira_ticket_id must be a Jira issue key/,
  },
  {
    name: 'branch with ..',
    request: start({ ...valid, base_branch: 'a..b' }),
    status: 400,
    code: 'invalid_argument',
    message: /base_branch must be a valid git branch name/,
  },
  {
    name: 'control character in id',
    request: { method: 'GET', url: '/api/v1/workflows/khitomer-%01', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /id must not contain control characters/,
  },
  // body encoding
  {
    name: 'malformed JSON',
    request: start('{"jira_ticket_id": "PROJ-7",'),
    status: 400,
    code: 'invalid_argument',
    message: /body is not valid JSON/,
  },
  { name: 'empty JSON body', request: start(''), status: 400, code: 'invalid_argument', message: /body is required/ },
  {
    name: 'prototype pollution',
    request: start('{"__proto__": {"admin": true}}'),
    status: 400,
    code: 'invalid_argument',
    message: /body is not valid JSON/,
  },
  {
    name: 'no body at all',
    request: { method: 'POST', url: '/api/v1/workflows', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /body is required/,
  },
  {
    name: 'JSON null body',
    request: start('null'),
    status: 400,
    code: 'invalid_argument',
    message: /body is required/,
  },
  {
    name: 'JSON number body',
    request: start('42'),
    status: 400,
    code: 'invalid_argument',
    message: /body must be a JSON object/,
  },
  {
    name: 'constructor pollution',
    request: start('{"constructor": {"prototype": {"admin": true}}}'),
    status: 400,
    code: 'invalid_argument',
    message: /body is not valid JSON/,
  },
  {
    name: 'text/plain body',
    request: start(JSON.stringify(valid), { ...auth, 'content-type': 'text/plain' }),
    status: 415,
    code: 'unsupported_media_type',
    message: /content-type must be application\/json/,
  },
  {
    name: 'form body',
    request: start('a=b', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'unsupported_media_type',
    message: /application\/json/,
  },
  {
    name: '1 MB body',
    request: start(oneMegabyte),
    status: 413,
    code: 'payload_too_large',
    message: /request body exceeds 65536 bytes/,
  },
  {
    name: 'bad percent-encoding',
    request: { method: 'GET', url: '/api/v1/workflows/%E0%A4%A', headers: auth },
    status: 400,
    code: 'invalid_argument',
    message: /not a valid url/,
  },
  // unknown ids and routes
  {
    name: 'unknown workflow id',
    request: { method: 'GET', url: '/api/v1/workflows/khitomer-NOPE-1', headers: auth },
    status: 404,
    code: 'not_found',
    message: /khitomer-NOPE-1 not found/,
  },
  {
    name: 'cancel unknown workflow',
    request: { method: 'DELETE', url: '/api/v1/workflows/khitomer-NOPE-1', headers: auth },
    status: 404,
    code: 'not_found',
    message: /khitomer-NOPE-1/,
  },
  {
    name: 'approve unknown workflow',
    request: { method: 'POST', url: '/api/v1/workflows/khitomer-NOPE-1/approve', headers: auth },
    status: 404,
    code: 'not_found',
    message: /khitomer-NOPE-1/,
  },
  {
    name: 'unknown route',
    request: { method: 'PUT', url: '/api/v1/workflows', headers: auth },
    status: 404,
    code: 'not_found',
    message: /no route PUT \/api\/v1\/workflows/,
  },
  // tokens
  {
    name: 'missing token',
    request: start(valid, { 'content-type': 'application/json' }),
    status: 401,
    code: 'unauthenticated',
    message: /missing bearer token/,
  },
  {
    name: 'wrong token',
    request: start(valid, { authorization: 'Bearer wrong', 'content-type': 'application/json' }),
    status: 401,
    code: 'unauthenticated',
    message: /invalid bearer token/,
  },
  {
    name: 'token prefix only',
    request: start(valid, { authorization: `Bearer ${TOKEN.slice(0, -1)}`, 'content-type': 'application/json' }),
    status: 401,
    code: 'unauthenticated',
    message: /invalid bearer token/,
  },
  {
    name: 'unauthenticated 1 MB body is refused before it is read',
    request: start(oneMegabyte, { 'content-type': 'application/json' }),
    status: 401,
    code: 'unauthenticated',
    message: /missing bearer token/,
  },
];

describe('REST bad input (table)', () => {
  const service = new FakeWorkflowService();
  const app = createRestApp({ service, apiToken: TOKEN, logger: createLogger({ service: 'test', level: 'silent' }) });
  beforeAll(async () => {
    await app.ready();
  });
  afterAll(() => app.close());

  it.each(cases)('$name → $status $code', async ({ request, status, code, message }) => {
    const response = await app.inject(request);
    expect(response.statusCode).toBe(status);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(response.body).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
    expect(response.body).not.toContain(TOKEN);
  });

  it('400s list every bad field in details', async () => {
    const response = await app.inject(start({ jira_ticket_id: '', extra: 1 }));
    expect(response.json().error.details).toEqual({
      fields: [
        { field: 'jira_ticket_id', problem: 'must not be empty' },
        { field: 'repository_owner', problem: 'is required' },
        { field: 'repository_name', problem: 'is required' },
        { field: 'extra', problem: 'is not a known field' },
      ],
    });
  });

  it('no bad input reached the service, and the app keeps serving', async () => {
    expect(service.calls.filter((call) => call.method === 'start' || call.method === 'reject')).toEqual([]);
    const response = await app.inject(start(valid));
    expect(response.statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
