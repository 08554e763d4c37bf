import type { ChildProcess } from 'node:child_process';
import type http from 'node:http';
import { isValidToken, parseAuthorization } from './auth.js';
import { serveGitHttp } from './git-http.js';
import type { RepoStore } from './repo-store.js';

/** `/<owner>/<name>.git[/<rest>]`: the smart-HTTP paths stock git requests. */
export const gitPathPattern = /^\/([^/]+)\/([^/]+?)\.git(\/.*)?$/;

/** Handles one git smart-HTTP request. */
export type GitRouteHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  match: RegExpExecArray,
) => Promise<void>;

/**
 * Git over HTTP as GitHub does it: HTTP Basic with the token as password (any user name) or an
 * `Authorization: Bearer|token` header; otherwise 401 with `WWW-Authenticate: Basic
 * realm="GitHub"` so git asks its credential helpers and retries. Unknown repositories answer
 * 404 only after authentication (nothing leaks to anonymous callers); pushes to archived
 * repositories answer 403.
 */
export function createGitRoute(store: RepoStore, token: string, children: Set<ChildProcess>): GitRouteHandler {
  return async (req, res, url, match) => {
    const credentials = parseAuthorization(req.headers.authorization);
    if (!isValidToken(token, credentials)) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain; charset=utf-8' });
      res.end(credentials ? 'Invalid username or token.\n' : 'Authentication required.\n');
      return;
    }
    const repo = store.get(safeDecode(match[1] ?? ''), safeDecode(match[2] ?? ''));
    if (!repo) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Repository not found.\n');
      return;
    }
    const rest = match[3] ?? '';
    const isPush = rest === '/git-receive-pack' || url.searchParams.get('service') === 'git-receive-pack';
    if (isPush && repo.record.archived) {
      req.resume();
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('This repository was archived so it is read-only.\n');
      return;
    }
    await serveGitHttp({
      req,
      res,
      projectRoot: store.root,
      // The on-disk spelling, so `Owner/Repo.git` and `owner/repo.git` reach the same repository.
      pathInfo: `/${repo.record.owner}/${repo.record.name}.git${rest}`,
      queryString: url.search.replace(/^\?/, ''),
      remoteUser: credentials?.username || 'x-access-token',
      children,
    });
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
