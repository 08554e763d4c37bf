import { sendJson } from '../emulator-support/http-server.js';
import type { RouteDeps } from './deps.js';
import { propertyKeyProblem, propertyValueProblem } from './entity-properties.js';
import { sendNoContent } from './http-helpers.js';
import { badRequest, JiraApiError } from './jira-error.js';
import type { RouteContext, Router } from './router.js';

// Issue (entity) properties, as
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/
function notFound(key: string): JiraApiError {
  return new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
}

function setProperty(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const key = ctx.params.propertyKey ?? '';
  const problem = propertyKeyProblem(key);
  if (problem) throw badRequest(problem);
  const value = ctx.json();
  const valueProblem = propertyValueProblem(value);
  if (valueProblem) throw badRequest(valueProblem);
  const existed = issue.properties.has(key);
  issue.properties.set(key, value);
  // 201 when created, 200 when updated, empty body either way; the issue's `updated` stays.
  ctx.res.writeHead(existed ? 200 : 201);
  ctx.res.end();
}

/** Registers issue properties (list keys, get, set, delete). */
export function registerIssuePropertyRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/issue/:key/properties', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const self = (key: string) => deps.renderer.apiUrl(`/issue/${issue.id}/properties/${encodeURIComponent(key)}`);
    sendJson(ctx.res, 200, { keys: [...issue.properties.keys()].map((key) => ({ self: self(key), key })) });
  });
  router.add('GET', '/rest/api/3/issue/:key/properties/:propertyKey', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const key = ctx.params.propertyKey ?? '';
    if (!issue.properties.has(key)) throw notFound(key);
    sendJson(ctx.res, 200, { key, value: issue.properties.get(key) });
  });
  router.add('PUT', '/rest/api/3/issue/:key/properties/:propertyKey', (ctx) => setProperty(ctx, deps));
  router.add('DELETE', '/rest/api/3/issue/:key/properties/:propertyKey', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const key = ctx.params.propertyKey ?? '';
    if (!issue.properties.delete(key)) throw notFound(key);
    sendNoContent(ctx.res);
  });
}
