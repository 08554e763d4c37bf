import { createHash } from 'node:crypto';
import { sendJson } from '../emulator-support/http-server.js';
import type { RouteDeps } from './deps.js';
import { parseFieldSelection } from './field-selection.js';
import { expandSet, isRecord, queryList } from './http-helpers.js';
import { badRequest, JiraApiError } from './jira-error.js';
import { compileJql } from './jql-evaluator.js';
import { JqlError } from './jql-lexer.js';
import { parseJql } from './jql-parser.js';
import type { IssueRecord } from './model.js';
import type { Json } from './representations.js';
import type { RouteContext, Router } from './router.js';

/** A normalised enhanced-search request (GET query or POST body). */
interface SearchRequest {
  jql: string;
  nextPageToken: string | undefined;
  maxResults: number | undefined;
  fields: string[] | undefined;
  /** Issue property keys to return with each issue. */
  properties: string[];
  expand: Set<string>;
}

// search/jql: maxResults defaults to 50 and goes up to 5000 when only ids/keys are requested;
// Jira returns fewer per page when fields are requested. We cap those pages at 100.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
const DEFAULT_MAX_RESULTS = 50;
const MAX_RESULTS_IDS_ONLY = 5000;
const MAX_RESULTS_WITH_FIELDS = 100;
// "A list of up to 5 issue properties to include in the results" (same page). Jira's answer to
// more is not documented; the emulator refuses with a 400 (message of its own) so that a client
// relying on more is caught in tests.
const MAX_PROPERTIES = 5;

// The message Jira Cloud answers on the removed endpoints (HTTP 410), see
// https://developer.atlassian.com/changelog/#CHANGE-2046 and
// https://github.com/atlassian/atlassian-mcp-server/issues/70
const SEARCH_REMOVED =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
const MAX_RESULTS_INVALID = 'maxResults must be a positive integer.';
const BAD_TOKEN = 'The provided nextPageToken is invalid or has expired.';
const TOO_MANY_PROPERTIES = `At most ${MAX_PROPERTIES} issue properties can be requested.`;

/** Property keys from a comma-separated list or repeated entries; 400 beyond the limit. */
function propertyKeys(raw: readonly string[] | undefined): string[] {
  const keys = [
    ...new Set(
      (raw ?? [])
        .flatMap((entry) => entry.split(','))
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  if (keys.length > MAX_PROPERTIES) throw badRequest(TOO_MANY_PROPERTIES);
  return keys;
}

function queryHash(jql: string): string {
  return createHash('sha256').update(jql).digest('hex').slice(0, 16);
}

/** An opaque continuation token bound to the query it was issued for. */
function encodeToken(jql: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: queryHash(jql), o: offset })).toString('base64url');
}

function decodeToken(token: string, jql: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && parsed.q === queryHash(jql) && typeof parsed.o === 'number' && parsed.o >= 0) {
      return parsed.o;
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest(BAD_TOKEN);
}

function fromQuery(query: URLSearchParams): SearchRequest {
  const maxRaw = query.get('maxResults');
  if (maxRaw !== null && !/^[1-9]\d*$/.test(maxRaw)) throw badRequest(MAX_RESULTS_INVALID);
  return {
    jql: query.get('jql') ?? '',
    nextPageToken: query.get('nextPageToken') ?? undefined,
    maxResults: maxRaw === null ? undefined : Number(maxRaw),
    fields: queryList(query, 'fields'),
    properties: propertyKeys(queryList(query, 'properties')),
    expand: expandSet(query.get('expand') ?? undefined),
  };
}

function fromBody(body: unknown): SearchRequest {
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  const { jql, nextPageToken, maxResults, fields, properties, expand } = body;
  if (jql !== undefined && jql !== null && typeof jql !== 'string') throw badRequest("'jql' must be a string.");
  if (nextPageToken !== undefined && nextPageToken !== null && typeof nextPageToken !== 'string') {
    throw badRequest("'nextPageToken' must be a string.");
  }
  if (maxResults !== undefined && maxResults !== null && !(Number.isInteger(maxResults) && Number(maxResults) > 0)) {
    throw badRequest(MAX_RESULTS_INVALID);
  }
  if (
    fields !== undefined &&
    fields !== null &&
    !(Array.isArray(fields) && fields.every((f) => typeof f === 'string'))
  ) {
    throw badRequest("'fields' must be an array of strings.");
  }
  if (
    properties !== undefined &&
    properties !== null &&
    !(Array.isArray(properties) && properties.every((p) => typeof p === 'string'))
  ) {
    throw badRequest("'properties' must be an array of strings.");
  }
  return {
    jql: typeof jql === 'string' ? jql : '',
    nextPageToken: typeof nextPageToken === 'string' ? nextPageToken : undefined,
    maxResults: typeof maxResults === 'number' ? maxResults : undefined,
    fields: Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : undefined,
    properties: propertyKeys(Array.isArray(properties) ? (properties as string[]) : undefined),
    expand: expandSet(expand),
  };
}

function matchingIssues(deps: RouteDeps, jql: string): IssueRecord[] {
  try {
    const compiled = compileJql(parseJql(jql), {
      catalog: deps.catalog,
      currentUser: deps.catalog.bot,
      findIssue: (keyOrId) => deps.store.findIssue(keyOrId),
      now: () => Date.now(),
    });
    if (!compiled.bounded) throw badRequest(UNBOUNDED);
    return deps.store
      .all()
      .filter((issue) => compiled.matches(issue))
      .sort(compiled.compare);
  } catch (error) {
    if (error instanceof JqlError) throw new JiraApiError(400, error.messages);
    throw error;
  }
}

function runSearch(ctx: RouteContext, deps: RouteDeps, request: SearchRequest): void {
  const issues = matchingIssues(deps, request.jql);
  const offset = request.nextPageToken ? decodeToken(request.nextPageToken, request.jql) : 0;
  const selection = parseFieldSelection(request.fields, 'id', deps.catalog);
  const cap = selection.fieldIds.size === 0 ? MAX_RESULTS_IDS_ONLY : MAX_RESULTS_WITH_FIELDS;
  const pageSize = Math.min(request.maxResults ?? DEFAULT_MAX_RESULTS, cap);
  const page = issues.slice(offset, offset + pageSize);
  const isLast = offset + page.length >= issues.length;
  const body: Json = {
    issues: page.map((issue) =>
      deps.renderer.issue(
        issue,
        selection,
        request.expand,
        () => deps.store.availableTransitions(issue).map((t) => deps.renderer.transition(t)),
        request.properties,
      ),
    ),
  };
  if (request.expand.has('names') && selection.mode === 'full')
    body.names = deps.renderer.names([...selection.fieldIds]);
  // The key is omitted on the last page (https://jira.atlassian.com/browse/JRACLOUD-92184).
  if (!isLast) body.nextPageToken = encodeToken(request.jql, offset + page.length);
  body.isLast = isLast;
  sendJson(ctx.res, 200, body);
}

/** Registers the enhanced search (`/rest/api/3/search/jql`) and the removed legacy endpoints (410). */
export function registerSearchRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/search/jql', (ctx) => runSearch(ctx, deps, fromQuery(ctx.query)));
  router.add('POST', '/rest/api/3/search/jql', (ctx) => runSearch(ctx, deps, fromBody(ctx.json())));
  const gone = (ctx: RouteContext) => sendJson(ctx.res, 410, { errorMessages: [SEARCH_REMOVED], errors: {} });
  for (const path of ['/rest/api/3/search', '/rest/api/2/search']) {
    router.add('GET', path, gone);
    router.add('POST', path, gone);
  }
}
