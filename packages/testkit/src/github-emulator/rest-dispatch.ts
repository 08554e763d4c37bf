import type http from 'node:http';
import { sendJson } from '../emulator-support/index.js';
import { isValidToken, parseAuthorization } from './auth.js';
import { badCredentials, type GitHubHttpError, notFound, requiresAuthentication } from './github-errors.js';
import { isGitHubError, type RestDeps, type RestResponse, type RestRoute } from './rest-types.js';
import { issueRoutes } from './routes-issues.js';
import { pullRoutes } from './routes-pulls.js';
import { repoRoutes } from './routes-repos.js';

const routes: RestRoute[] = [...repoRoutes, ...pullRoutes, ...issueRoutes];

/** Paths GitHub serves without credentials (a wrong token is still refused). */
const anonymousPaths = new Set(['/', '/rate_limit']);

/** Handles one REST request whose body has been read. */
export type RestDispatcher = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  body: Buffer,
) => Promise<void>;

/**
 * Creates the REST dispatcher: token check, routing, GitHub's rate-limit and request-id headers
 * on every answer, and `GitHubHttpError`s turned into their JSON bodies. Other errors propagate
 * (the HTTP server helper answers them with a 500).
 */
export function createRestDispatcher(deps: RestDeps, token: string): RestDispatcher {
  const limit = 5000;
  const reset = Math.floor(Date.now() / 1000) + 3600;
  let used = 0;
  let requestCount = 0;

  const gitHubHeaders = (): Record<string, string> => {
    used += 1;
    requestCount += 1;
    const id = requestCount.toString(16).toUpperCase().padStart(8, '0');
    return {
      'x-github-request-id': `E0A1:${id.slice(0, 4)}:${id}:${id}:${Math.floor(Date.now() / 1000)
        .toString(16)
        .toUpperCase()}`,
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-oauth-scopes': 'repo',
      'x-accepted-oauth-scopes': '',
    };
  };

  const send = (res: http.ServerResponse, answer: RestResponse): void => {
    const headers = { ...gitHubHeaders(), ...answer.headers };
    if (typeof answer.body === 'string' && answer.contentType) {
      res.writeHead(answer.status, { ...headers, 'content-type': answer.contentType });
      res.end(answer.body);
      return;
    }
    sendJson(res, answer.status, answer.body, headers);
  };
  const sendError = (res: http.ServerResponse, error: GitHubHttpError): void =>
    send(res, { status: error.status, body: error.body, headers: error.headers });

  return async (req, res, url, body) => {
    const credentials = parseAuthorization(req.headers.authorization);
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (!isValidToken(token, credentials)) {
      if (req.headers.authorization !== undefined) return sendError(res, badCredentials());
      if (!anonymousPaths.has(path)) return sendError(res, requiresAuthentication());
    }
    const method = (req.method ?? 'GET').toUpperCase();
    for (const route of routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = safeDecode(value);
      try {
        return send(res, await route.handler({ method, url, params, headers: req.headers, body }, deps));
      } catch (error) {
        if (isGitHubError(error)) return sendError(res, error);
        throw error;
      }
    }
    return sendError(res, notFound());
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
