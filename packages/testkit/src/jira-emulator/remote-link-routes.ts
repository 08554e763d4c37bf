import { sendJson } from '../emulator-support/http-server.js';
import type { RouteDeps } from './deps.js';
import { isRecord } from './http-helpers.js';
import { badRequest, fieldErrors, JiraApiError } from './jira-error.js';
import type { RouteContext, Router } from './router.js';
import type { RemoteLinkObject } from './types.js';

function optionalString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw badRequest(`'${name}' must be a string.`);
  return value;
}

function optionalObject(value: unknown, name: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw badRequest(`'${name}' must be an object.`);
  return value;
}

/**
 * Create or update a remote link: a link with the same `globalId` is updated (200) instead of
 * duplicated; otherwise created (201). Both answer `{id, self}`.
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/#api-rest-api-3-issue-issueidorkey-remotelink-post
 */
function upsertLink(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const body = ctx.json();
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  const object = body.object;
  const errors: Record<string, string> = {};
  if (!isRecord(object)) errors.object = "'object' is required.";
  else {
    if (typeof object.url !== 'string' || object.url === '') errors.url = "'url' is required.";
    if (typeof object.title !== 'string' || object.title === '') errors.title = "'title' is required.";
  }
  if (Object.keys(errors).length > 0 || !isRecord(object)) throw fieldErrors(errors);
  const linkObject: RemoteLinkObject = { url: object.url as string, title: object.title as string };
  const summary = optionalString(object.summary, 'object.summary');
  if (summary !== null) linkObject.summary = summary;
  const icon = optionalObject(object.icon, 'object.icon');
  if (icon !== null) linkObject.icon = icon;
  const status = optionalObject(object.status, 'object.status');
  if (status !== null) linkObject.status = status;
  const { link, created } = deps.store.upsertRemoteLink(issue, {
    globalId: optionalString(body.globalId, 'globalId'),
    relationship: optionalString(body.relationship, 'relationship'),
    application: optionalObject(body.application, 'application'),
    object: linkObject,
  });
  const rendered = deps.renderer.remoteLink(issue, link);
  sendJson(ctx.res, created ? 201 : 200, { id: rendered.id, self: rendered.self });
}

/** Registers remote links: list (optionally by `globalId`), get one, create-or-update. */
export function registerRemoteLinkRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/issue/:key/remotelink', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const globalId = ctx.query.get('globalId');
    if (globalId === null) {
      sendJson(
        ctx.res,
        200,
        issue.remoteLinks.map((l) => deps.renderer.remoteLink(issue, l)),
      );
      return;
    }
    const link = issue.remoteLinks.find((l) => l.globalId === globalId);
    if (!link) throw new JiraApiError(404, [`No remote link with globalId '${globalId}' exists on this issue.`]);
    sendJson(ctx.res, 200, deps.renderer.remoteLink(issue, link));
  });
  router.add('GET', '/rest/api/3/issue/:key/remotelink/:linkId', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const link = issue.remoteLinks.find((l) => String(l.id) === ctx.params.linkId);
    if (!link) throw new JiraApiError(404, [`No remote link with id '${ctx.params.linkId}' exists on this issue.`]);
    sendJson(ctx.res, 200, deps.renderer.remoteLink(issue, link));
  });
  router.add('POST', '/rest/api/3/issue/:key/remotelink', (ctx) => upsertLink(ctx, deps));
}
