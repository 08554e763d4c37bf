import { createLogger } from '@khitomer/observability';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeWorkflowService } from '../api-schemas/fake-workflow-service.js';
import { createRestApp } from './index.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
}

/** Every `$ref` in `node`. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('OpenAPI document at /docs/json', () => {
  const app = createRestApp({
    service: new FakeWorkflowService(),
    apiToken: 'docs-token',
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  afterAll(() => app.close());

  it('is a structurally valid OpenAPI 3 document listing every route', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/docs/json',
      headers: { authorization: 'Bearer docs-token' },
    });
    expect(response.statusCode).toBe(200);
    const doc = response.json() as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> };
    };

    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });

    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /api/v1/workflows',
        'GET /api/v1/workflows/{id}',
        'DELETE /api/v1/workflows/{id}',
        'POST /api/v1/workflows/{id}/approve',
        'POST /api/v1/workflows/{id}/reject',
        'GET /api/v1/tasks',
        'GET /health',
        'GET /ready',
        'GET /metrics',
      ].sort(),
    );

    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method)) continue;
        const where = `${method} ${path}`;
        // Every templated path segment is a required path parameter, and nothing else is.
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(pathParams.map((p) => p.name).sort(), where).toEqual(templated.sort());
        for (const param of operation.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie'], where).toContain(param.in);
          if (param.in === 'path') expect(param.required, where).toBe(true);
          expect(param.schema, where).toBeDefined();
        }
        // Responses: at least one, keyed by status code, each with a description.
        const statuses = Object.keys(operation.responses);
        expect(statuses.length, where).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status, where).toMatch(/^([1-5]\d\d|default)$/);
          expect(typeof operation.responses[status]?.description, `${where} ${status}`).toBe('string');
        }
        if (path !== '/health') expect(statuses, where).toContain('401');
      }
    }

    // Every $ref resolves inside the document.
    for (const ref of refs(doc)) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(doc.components.schemas?.[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }

    expect(doc.paths['/health']?.get?.security).toEqual([]);
    expect(doc.paths['/api/v1/workflows']?.post?.responses['201']).toBeDefined();
    expect(doc.paths['/api/v1/workflows/{id}']?.delete?.responses['202']).toBeDefined();
    expect(doc.paths['/api/v1/workflows/{id}']?.get?.responses['404']).toBeDefined();
    expect(doc.paths['/api/v1/workflows']?.post?.responses['409']).toBeDefined();
    expect(doc.paths['/metrics']?.get?.responses['200']?.content?.['text/plain']).toBeDefined();
    // The body schema is strict (unknown fields rejected) and documents the required fields.
    expect(doc.paths['/api/v1/workflows']?.post?.requestBody?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['jira_ticket_id', 'repository_owner', 'repository_name'],
    });
  });
});
