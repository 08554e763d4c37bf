import { sendJson } from '../emulator-support/http-server.js';
import { validateAdfDocument } from './adf.js';
import type { RouteDeps } from './deps.js';
import { propertyKeyProblem, propertyValueProblem, putEntityProperty } from './entity-properties.js';
import { expandSet, isRecord, queryInt, sendJiraError, sendNoContent } from './http-helpers.js';
import { badRequest, JiraApiError } from './jira-error.js';
import type { CommentRecord, IssueRecord } from './model.js';
import type { RouteContext, Router } from './router.js';
import type { AdfDocument } from './types.js';

// v3 comment bodies must be ADF; a plain string gets this 400 (errors.comment), see
// https://github.com/pchuri/jira-cli/pull/38 and
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post
const BODY_INVALID = 'Comment body is not valid!';
const BODY_EMPTY = 'Comment body can not be empty!';
function requireComment(deps: RouteDeps, id: string): { issue: IssueRecord; comment: CommentRecord } {
  const found = deps.store.findComment(id);
  if (!found) throw new JiraApiError(404, [`Can not find a comment for the id: ${id}.`]);
  return found;
}

function addComment(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const body = ctx.json();
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  if (body.body === undefined || body.body === null || body.body === '') {
    throw new JiraApiError(400, [], { comment: BODY_EMPTY });
  }
  const problem = validateAdfDocument(body.body);
  if (problem !== null) {
    sendJiraError(ctx.res, new JiraApiError(400, [], { comment: BODY_INVALID }), problem);
    return;
  }
  const properties = new Map<string, unknown>();
  if (body.properties !== undefined) {
    if (!Array.isArray(body.properties)) throw badRequest("'properties' must be an array of {key, value}.");
    for (const entry of body.properties) {
      if (!isRecord(entry)) throw badRequest("'properties' must be an array of {key, value}.");
      const keyProblem = propertyKeyProblem(entry.key) ?? propertyValueProblem(entry.value);
      if (keyProblem) throw badRequest(keyProblem);
      properties.set(entry.key as string, entry.value);
    }
  }
  const comment = deps.store.addComment(issue, body.body as AdfDocument, deps.catalog.bot.accountId, properties);
  const expand = expandSet(ctx.query.get('expand') ?? undefined);
  sendJson(ctx.res, 201, deps.renderer.comment(issue, comment, expand.has('properties') || properties.size > 0));
}

function listComments(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const startAt = queryInt(ctx.query, 'startAt', 0);
  const maxResults = Math.min(queryInt(ctx.query, 'maxResults', 5000), 5000);
  const orderBy = ctx.query.get('orderBy') ?? 'created';
  if (!['created', '+created', '-created'].includes(orderBy)) {
    throw badRequest(`Invalid orderBy value '${orderBy}'. Valid values are created, +created and -created.`);
  }
  const ordered = orderBy === '-created' ? [...issue.comments].reverse() : issue.comments;
  const withProperties = expandSet(ctx.query.get('expand') ?? undefined).has('properties');
  sendJson(ctx.res, 200, {
    startAt,
    maxResults,
    total: issue.comments.length,
    comments: ordered.slice(startAt, startAt + maxResults).map((c) => deps.renderer.comment(issue, c, withProperties)),
  });
}

function setProperty(ctx: RouteContext, deps: RouteDeps): void {
  putEntityProperty(ctx, requireComment(deps, ctx.params.id ?? '').comment.properties);
}

/** Registers comments (list/add/get) and comment properties. */
export function registerCommentRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/issue/:key/comment', (ctx) => listComments(ctx, deps));
  router.add('POST', '/rest/api/3/issue/:key/comment', (ctx) => addComment(ctx, deps));
  router.add('GET', '/rest/api/3/issue/:key/comment/:id', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const comment = issue.comments.find((c) => c.id === ctx.params.id);
    if (!comment) throw new JiraApiError(404, [`Can not find a comment for the id: ${ctx.params.id}.`]);
    const withProperties = expandSet(ctx.query.get('expand') ?? undefined).has('properties');
    sendJson(ctx.res, 200, deps.renderer.comment(issue, comment, withProperties));
  });
  router.add('GET', '/rest/api/3/comment/:id/properties', (ctx) => {
    const { comment } = requireComment(deps, ctx.params.id ?? '');
    const self = (key: string) => deps.renderer.apiUrl(`/comment/${comment.id}/properties/${encodeURIComponent(key)}`);
    sendJson(ctx.res, 200, { keys: [...comment.properties.keys()].map((key) => ({ self: self(key), key })) });
  });
  router.add('GET', '/rest/api/3/comment/:id/properties/:propertyKey', (ctx) => {
    const { comment } = requireComment(deps, ctx.params.id ?? '');
    const key = ctx.params.propertyKey ?? '';
    if (!comment.properties.has(key)) throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
    sendJson(ctx.res, 200, { key, value: comment.properties.get(key) });
  });
  router.add('PUT', '/rest/api/3/comment/:id/properties/:propertyKey', (ctx) => setProperty(ctx, deps));
  router.add('DELETE', '/rest/api/3/comment/:id/properties/:propertyKey', (ctx) => {
    const { comment } = requireComment(deps, ctx.params.id ?? '');
    const key = ctx.params.propertyKey ?? '';
    if (!comment.properties.delete(key))
      throw new JiraApiError(404, [`The property with key '${key}' does not exist.`]);
    sendNoContent(ctx.res);
  });
}
