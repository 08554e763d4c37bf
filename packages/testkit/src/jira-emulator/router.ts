import type http from 'node:http';

/** What a route handler receives. */
export interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  /** Path without query string. */
  path: string;
  /** Decoded `:name` segments of the route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Raw body as UTF-8 (empty for none). */
  rawBody: string;
  /** The parsed JSON body. Throws `JiraApiError` (400/415) as Jira does for bad bodies. */
  json(): unknown;
}

/** A route handler; it writes the response itself. */
export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: RouteHandler;
}

/** Result of {@link Router.match}. */
export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** A minimal method + path-pattern router (`/issue/:key/comment`). */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers a handler. Patterns use `:name` for one path segment. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) => {
        if (segment.startsWith(':')) {
          names.push(segment.slice(1));
          return '([^/]+)';
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** Finds the handler for a request. */
  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { kind: 'found', handler: route.handler, params };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}
