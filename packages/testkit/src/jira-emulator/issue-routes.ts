import { sendJson } from '../emulator-support/http-server.js';
import { findIssueType, findProject, findUser } from './catalog.js';
import type { RouteDeps } from './deps.js';
import { parseFieldSelection } from './field-selection.js';
import { expandSet, isRecord, queryInt, queryList, sendNoContent } from './http-helpers.js';
import { parseIssueChanges } from './issue-input.js';
import { badRequest, fieldErrors, JiraApiError } from './jira-error.js';
import type { IssueRecord } from './model.js';
import type { Json } from './representations.js';
import type { RouteContext, Router } from './router.js';
import { parentProblem } from './store.js';

function renderIssue(deps: RouteDeps, issue: IssueRecord, query: URLSearchParams): Json {
  const selection = parseFieldSelection(queryList(query, 'fields'), '*all', deps.catalog);
  return deps.renderer.issue(
    issue,
    selection,
    expandSet(query.get('expand') ?? undefined),
    () => deps.store.availableTransitions(issue).map((t) => deps.renderer.transition(t)),
    queryList(query, 'properties') ?? [],
  );
}

function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const body = ctx.json();
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  return body;
}

/** `{key}` or `{id}` or `{name}` reference from a create body. */
function refOf(value: unknown, ...names: string[]): string | undefined {
  if (!isRecord(value)) return undefined;
  for (const name of names) {
    const v = value[name];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

function createIssue(ctx: RouteContext, deps: RouteDeps): void {
  const { catalog, store } = deps;
  const body = bodyObject(ctx);
  const fields = isRecord(body.fields) ? body.fields : {};
  const errors: Record<string, string> = {};
  // Messages as Jira Cloud gives them for POST /rest/api/3/issue.
  const projectRef = refOf(fields.project, 'key', 'id');
  const project = projectRef ? findProject(catalog, projectRef) : undefined;
  if (!project) errors.project = 'Specify a valid project ID or key';
  const typeRef = refOf(fields.issuetype, 'id', 'name');
  const issueType = typeRef ? findIssueType(catalog, typeRef) : undefined;
  if (!typeRef) errors.issuetype = 'Specify an issue type';
  else if (!issueType) errors.issuetype = 'The issue type selected is invalid.';
  if (fields.summary === undefined) errors.summary = 'You must specify a summary of the issue.';
  let parent: IssueRecord | null = null;
  if (fields.parent !== undefined) {
    const parentRef = refOf(fields.parent, 'key', 'id');
    parent = (parentRef ? store.findIssue(parentRef) : undefined) ?? null;
    if (!parent) errors.parent = 'Could not find issue by id or key.';
    else if (project && parent.projectKey !== project.key) errors.parent = 'Parent must be in the same project.';
  }
  if (issueType && !errors.parent) {
    const problem = parentProblem(issueType, parent, catalog);
    if (problem) errors.parent = problem;
  }
  const parsed = parseIssueChanges(fields, body.update, catalog, () => [], ['project', 'issuetype', 'parent']);
  Object.assign(errors, parsed.errors);
  if (Object.keys(errors).length > 0 || !project || !issueType) throw fieldErrors(errors);
  const { changes } = parsed;
  const issue = store.createIssue({
    projectKey: project.key,
    issueType,
    summary: changes.summary ?? '',
    description: changes.description ?? null,
    labels: changes.labels ?? [],
    assigneeAccountId: changes.assigneeAccountId ?? null,
    reporterAccountId: catalog.bot.accountId,
    parent,
    custom: changes.custom ?? new Map(),
  });
  sendJson(ctx.res, 201, { id: issue.id, key: issue.key, self: deps.renderer.issueSelf(issue) });
}

function editIssue(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const body = bodyObject(ctx);
  const { changes, errors } = parseIssueChanges(body.fields, body.update, deps.catalog, () => issue.labels);
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  deps.store.editIssue(issue, changes, deps.catalog.bot.accountId);
  if (ctx.query.get('returnIssue') === 'true') sendJson(ctx.res, 200, renderIssue(deps, issue, ctx.query));
  else sendNoContent(ctx.res);
}

function assignIssue(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  const body = bodyObject(ctx);
  const { accountId } = body;
  // accountId null unassigns; "-1" picks the project's default assignee (none here).
  let target: string | null;
  if (accountId === null || accountId === '-1') target = null;
  else if (typeof accountId === 'string' && findUser(deps.catalog, accountId)?.accountId === accountId)
    target = accountId;
  else throw new JiraApiError(404, [`User with accountId '${String(accountId)}' does not exist.`]);
  deps.store.editIssue(issue, { assigneeAccountId: target }, deps.catalog.bot.accountId);
  sendNoContent(ctx.res);
}

function getChangelog(ctx: RouteContext, deps: RouteDeps): void {
  const issue = deps.store.requireIssue(ctx.params.key ?? '');
  // Paged, oldest first, maxResults default 100:
  // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-changelog-get
  const startAt = queryInt(ctx.query, 'startAt', 0);
  const maxResults = Math.min(queryInt(ctx.query, 'maxResults', 100), 100);
  const values = issue.changelog.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= issue.changelog.length;
  const self = `${deps.renderer.issueSelf(issue)}/changelog`;
  sendJson(ctx.res, 200, {
    self: `${self}?maxResults=${maxResults}&startAt=${startAt}`,
    ...(isLast ? {} : { nextPage: `${self}?maxResults=${maxResults}&startAt=${startAt + values.length}` }),
    maxResults,
    startAt,
    total: issue.changelog.length,
    isLast,
    values: values.map((entry) => deps.renderer.changelog(entry)),
  });
}

/** Registers issue read/create/edit/assign and the changelog. */
export function registerIssueRoutes(router: Router, deps: RouteDeps): void {
  router.add('POST', '/rest/api/3/issue', (ctx) => createIssue(ctx, deps));
  router.add('GET', '/rest/api/3/issue/:key', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    sendJson(ctx.res, 200, renderIssue(deps, issue, ctx.query));
  });
  router.add('PUT', '/rest/api/3/issue/:key', (ctx) => editIssue(ctx, deps));
  router.add('PUT', '/rest/api/3/issue/:key/assignee', (ctx) => assignIssue(ctx, deps));
  router.add('GET', '/rest/api/3/issue/:key/changelog', (ctx) => getChangelog(ctx, deps));
}
