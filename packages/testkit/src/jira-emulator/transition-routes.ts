import { sendJson } from '../emulator-support/http-server.js';
import { validateAdfDocument } from './adf.js';
import type { RouteDeps } from './deps.js';
import { isRecord, sendNoContent } from './http-helpers.js';
import { cannotSet } from './issue-input.js';
import { badRequest, fieldErrors } from './jira-error.js';
import { isoDateTime } from './jira-time.js';
import type { RouteContext, Router } from './router.js';
import type { AdfDocument } from './types.js';

/** Comments to add from `update.comment: [{add: {body}}]`, which Jira accepts on any transition. */
function commentsToAdd(update: unknown): AdfDocument[] {
  if (update === undefined || update === null) return [];
  if (!isRecord(update)) throw badRequest("'update' must be an object.");
  const errors: Record<string, string> = {};
  const bodies: AdfDocument[] = [];
  for (const [field, operations] of Object.entries(update)) {
    if (field !== 'comment') {
      errors[field] = cannotSet(field);
      continue;
    }
    for (const op of Array.isArray(operations) ? operations : [undefined]) {
      const body = isRecord(op) && isRecord(op.add) ? op.add.body : undefined;
      if (validateAdfDocument(body) !== null) errors.comment = 'Comment body is not valid!';
      else bodies.push(body as AdfDocument);
    }
  }
  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  return bodies;
}

function doTransition(ctx: RouteContext, deps: RouteDeps): void {
  const { store, catalog } = deps;
  const issue = store.requireIssue(ctx.params.key ?? '');
  const body = ctx.json();
  if (!isRecord(body)) throw badRequest('The request body must be a JSON object.');
  const ref = isRecord(body.transition) ? body.transition.id : undefined;
  const id = typeof ref === 'number' ? String(ref) : ref;
  // Messages as Jira gives them, e.g. https://github.com/mozilla/jira-bugzilla-integration/issues/303
  if (typeof id !== 'string' || !/^\d+$/.test(id)) throw badRequest("'transition' identifier must be an integer");
  const transition = store.availableTransitions(issue).find((t) => t.id === id);
  if (!transition) throw badRequest(`Transition id '${id}' is not valid for this issue.`);
  // The emulated transitions have no screen: any field in the request cannot be set.
  if (isRecord(body.fields) && Object.keys(body.fields).length > 0) {
    throw fieldErrors(Object.fromEntries(Object.keys(body.fields).map((f) => [f, cannotSet(f)])));
  }
  const comments = commentsToAdd(body.update);
  const from = store.statusOf(issue).name;
  const entry = store.setStatus(issue, transition.to, catalog.bot.accountId);
  for (const comment of comments) store.addComment(issue, comment, catalog.bot.accountId, new Map());
  store.applied.push({
    issueKey: issue.key,
    transitionId: transition.id,
    transitionName: transition.name,
    from,
    to: transition.to.name,
    at: isoDateTime(entry?.created ?? store.now()),
  });
  sendNoContent(ctx.res);
}

/** Registers `GET`/`POST /rest/api/3/issue/{key}/transitions`. */
export function registerTransitionRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/issue/:key/transitions', (ctx) => {
    const issue = deps.store.requireIssue(ctx.params.key ?? '');
    const only = ctx.query.get('transitionId');
    const transitions = deps.store
      .availableTransitions(issue)
      .filter((t) => only === null || t.id === only)
      .map((t) => deps.renderer.transition(t));
    sendJson(ctx.res, 200, { expand: 'transitions', transitions });
  });
  router.add('POST', '/rest/api/3/issue/:key/transitions', (ctx) => doTransition(ctx, deps));
}
