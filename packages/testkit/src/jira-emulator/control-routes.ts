import type { FaultInjector, FaultRule } from '../emulator-support/faults.js';
import { sendJson } from '../emulator-support/http-server.js';
import type { RequestLog } from '../emulator-support/request-log.js';
import { type EmulatorControl, UnknownIssueError } from './control.js';
import { isRecord, sendNoContent } from './http-helpers.js';
import type { RouteContext, RouteHandler, Router } from './router.js';
import type { JiraStore } from './store.js';
import type { SeedIssueInput } from './types.js';

/** What the control routes operate on. */
export interface ControlDeps {
  control: EmulatorControl;
  store: JiraStore;
  faults: FaultInjector;
  requests: RequestLog;
}

/** Lenient JSON for the control API (any content type; empty = `{}`), for curl-friendliness. */
function controlBody(ctx: RouteContext): Record<string, unknown> {
  if (ctx.rawBody.trim() === '') return {};
  const parsed: unknown = JSON.parse(ctx.rawBody);
  if (!isRecord(parsed)) throw new Error('the body must be a JSON object');
  return parsed;
}

/** Wraps a control handler: unknown issue → 404, other errors → 400 `{error}`. */
function guarded(handler: RouteHandler): RouteHandler {
  return async (ctx) => {
    try {
      await handler(ctx);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(ctx.res, error instanceof UnknownIssueError ? 404 : 400, { error: message });
    }
  };
}

function faultRule(body: Record<string, unknown>): FaultRule {
  const rule: FaultRule = {};
  const num = (name: string): number | undefined => {
    const v = body[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') throw new Error(`'${name}' must be a number`);
    return v;
  };
  if (body.method !== undefined) rule.method = String(body.method);
  if (body.path !== undefined) rule.path = String(body.path);
  rule.probability = num('probability');
  rule.times = num('times');
  rule.status = num('status');
  rule.retryAfterSeconds = num('retryAfterSeconds');
  rule.latencyMs = num('latencyMs');
  if (body.hang !== undefined) rule.hang = body.hang === true;
  if (body.body !== undefined) rule.body = body.body;
  for (const key of Object.keys(rule) as (keyof FaultRule)[]) if (rule[key] === undefined) delete rule[key];
  return rule;
}

/**
 * Registers the unauthenticated control API under `/_emulator` (used by `pnpm demo` and by
 * tests in other processes): seed/list/get/move issues, read comments, remote links, applied
 * transitions and the request log, add or clear fault rules.
 */
export function registerControlRoutes(router: Router, deps: ControlDeps): void {
  const { control } = deps;
  router.add(
    'GET',
    '/_emulator/issues',
    guarded((ctx) => sendJson(ctx.res, 200, control.listIssues())),
  );
  router.add(
    'POST',
    '/_emulator/issues',
    guarded((ctx) => {
      const key = control.seedIssue(controlBody(ctx) as unknown as SeedIssueInput);
      sendJson(ctx.res, 201, { key });
    }),
  );
  router.add(
    'GET',
    '/_emulator/issues/:key',
    guarded((ctx) => sendJson(ctx.res, 200, control.getIssue(ctx.params.key ?? ''))),
  );
  router.add(
    'POST',
    '/_emulator/issues/:key/move',
    guarded((ctx) => {
      const { status } = controlBody(ctx);
      if (typeof status !== 'string') throw new Error("'status' must be a string");
      control.moveIssue(ctx.params.key ?? '', status);
      sendJson(ctx.res, 200, control.getIssue(ctx.params.key ?? ''));
    }),
  );
  router.add(
    'GET',
    '/_emulator/issues/:key/comments',
    guarded((ctx) => sendJson(ctx.res, 200, control.comments(ctx.params.key ?? ''))),
  );
  router.add(
    'GET',
    '/_emulator/issues/:key/remotelinks',
    guarded((ctx) => sendJson(ctx.res, 200, control.remoteLinks(ctx.params.key ?? ''))),
  );
  router.add('GET', '/_emulator/transitions', (ctx) => sendJson(ctx.res, 200, deps.store.applied));
  router.add('GET', '/_emulator/requests', (ctx) => sendJson(ctx.res, 200, deps.requests.entries));
  router.add(
    'POST',
    '/_emulator/faults',
    guarded((ctx) => {
      deps.faults.add(faultRule(controlBody(ctx)));
      sendNoContent(ctx.res);
    }),
  );
  router.add('DELETE', '/_emulator/faults', (ctx) => {
    deps.faults.clear();
    sendNoContent(ctx.res);
  });
}
