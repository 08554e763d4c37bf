import { sendJson } from '../emulator-support/http-server.js';
import type { RouteDeps } from './deps.js';
import type { Router } from './router.js';

/** Registers `GET /rest/api/3/myself` and `GET /rest/api/3/field`. */
export function registerMetaRoutes(router: Router, deps: RouteDeps): void {
  router.add('GET', '/rest/api/3/myself', (ctx) => sendJson(ctx.res, 200, deps.renderer.myself()));
  router.add('GET', '/rest/api/3/field', (ctx) => sendJson(ctx.res, 200, deps.renderer.fieldList()));
}
