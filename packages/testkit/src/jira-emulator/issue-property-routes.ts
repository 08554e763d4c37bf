import { sendJson } from '../emulator-support/http-server.js';
import type { RouteDeps } from './deps.js';
import { putEntityProperty } from './entity-properties.js';
import { sendNoContent } from './http-helpers.js';
import { JiraApiError } from './jira-error.js';
import type { RouteContext, Router } from './router.js';

// Issue (entity) properties, as
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/
function notFound(key: string): JiraApiError {
  return new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
}

function setProperty(ctx: RouteContext, deps: RouteDeps): void {
  // The issue's `updated` stays: properties are not fields.
  putEntityProperty(ctx, deps.store.requireIssue(ctx.params.key ?? '').properties);
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
