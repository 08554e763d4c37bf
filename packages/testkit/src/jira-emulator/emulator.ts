import type http from 'node:http';
import { FaultInjector } from '../emulator-support/faults.js';
import { BodyTooLargeError, readBody, sendJson, startHttpServer } from '../emulator-support/http-server.js';
import { flattenHeaders, RequestLog } from '../emulator-support/request-log.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { registerCommentRoutes } from './comment-routes.js';
import { EmulatorControl } from './control.js';
import { registerControlRoutes } from './control-routes.js';
import type { RouteDeps } from './deps.js';
import { isAuthorized, parseJsonBody, sendJiraError, sendUnauthorized } from './http-helpers.js';
import { registerIssuePropertyRoutes } from './issue-property-routes.js';
import { registerIssueRoutes } from './issue-routes.js';
import { JiraApiError } from './jira-error.js';
import { monotonicClock } from './jira-time.js';
import { registerMetaRoutes } from './meta-routes.js';
import { registerRemoteLinkRoutes } from './remote-link-routes.js';
import { Renderer } from './representations.js';
import { type RouteContext, Router } from './router.js';
import { registerSearchRoutes } from './search-routes.js';
import { JiraStore } from './store.js';
import { registerTransitionRoutes } from './transition-routes.js';
import type { JiraEmulator, JiraEmulatorOptions } from './types.js';

function queryRecord(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(',');
  return out;
}

interface Routers {
  api: Router;
  control: Router;
}

async function dispatch(router: Router, ctxBase: Omit<RouteContext, 'params'>): Promise<void> {
  const { res, method, path } = ctxBase;
  const match = router.match(method, path);
  if (match.kind === 'not-found') {
    sendJiraError(res, new JiraApiError(404, [`No REST resource at ${method} ${path} in the Jira emulator.`]));
    return;
  }
  if (match.kind === 'method-not-allowed') {
    sendJson(
      res,
      405,
      { errorMessages: [`Method ${method} is not allowed on ${path}.`], errors: {} },
      {
        allow: match.allowed.join(', '),
      },
    );
    return;
  }
  try {
    await match.handler({ ...ctxBase, params: match.params });
  } catch (error) {
    if (error instanceof JiraApiError) sendJiraError(res, error);
    else throw error;
  }
}

function createHandler(catalog: Catalog, faults: FaultInjector, requests: RequestLog, routers: () => Routers) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    let rawBody: string;
    try {
      rawBody = (await readBody(req)).toString('utf8');
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(res, 413, { errorMessages: [error.message], errors: {} });
      return;
    }
    const isApi = path.startsWith('/rest/');
    if (isApi) {
      requests.record({
        method,
        path,
        query: queryRecord(url.searchParams),
        headers: flattenHeaders(req.headers),
        body: rawBody,
        at: Date.now(),
      });
      if ((await faults.apply(req, res, path)) === 'handled') return;
      if (!isAuthorized(req.headers.authorization, catalog)) {
        sendUnauthorized(res);
        return;
      }
    } else if (!path.startsWith('/_emulator/')) {
      sendJson(res, 404, { errorMessages: [`Nothing at ${path}.`], errors: {} });
      return;
    }
    const { api, control } = routers();
    await dispatch(isApi ? api : control, {
      req,
      res,
      method,
      path,
      query: url.searchParams,
      rawBody,
      json: () => parseJsonBody(rawBody, req.headers['content-type']),
    });
  };
}

/**
 * Starts a Jira Cloud REST v3 emulator on 127.0.0.1 (free port) for tests and the demo, to be
 * driven with the real `jira.js` Version3Client (`host: emulator.url`, basic auth with
 * `credentials`). State is in memory and dies with {@link JiraEmulator.close}.
 *
 * Throws `Error` for inconsistent options (unknown status in a transition, bad project key, …)
 * and when the server cannot listen.
 */
export async function startJiraEmulator(options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const catalog = buildCatalog(options);
  const store = new JiraStore(catalog, monotonicClock());
  const faults = new FaultInjector(options.seed ?? 42);
  const requests = new RequestLog();
  const control = new EmulatorControl(store);
  let routers: Routers | undefined;
  const server = await startHttpServer(
    createHandler(catalog, faults, requests, () => {
      if (!routers) throw new Error('jira emulator is not ready');
      return routers;
    }),
  );
  // `self` links need the URL, which is known only once the server listens.
  const deps: RouteDeps = { catalog, store, renderer: new Renderer(server.url, catalog, store) };
  const api = new Router();
  registerMetaRoutes(api, deps);
  registerSearchRoutes(api, deps);
  registerIssueRoutes(api, deps);
  registerIssuePropertyRoutes(api, deps);
  registerCommentRoutes(api, deps);
  registerTransitionRoutes(api, deps);
  registerRemoteLinkRoutes(api, deps);
  const controlRouter = new Router();
  registerControlRoutes(controlRouter, { control, store, faults, requests });
  routers = { api, control: controlRouter };

  return {
    url: server.url,
    credentials: { username: catalog.username, apiToken: catalog.apiToken },
    requests,
    faults,
    get transitionsApplied() {
      return [...store.applied];
    },
    seedIssue: (input) => control.seedIssue(input),
    moveIssue: (key, status) => control.moveIssue(key, status),
    getIssue: (key) => control.getIssue(key),
    comments: (key) => control.comments(key),
    remoteLinks: (key) => control.remoteLinks(key),
    close: () => server.close(),
  };
}
