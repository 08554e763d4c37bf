import type http from 'node:http';
import { archivedReadOnly, GitHubHttpError, notFound, problemsParsingJson } from './github-errors.js';
import type { PullRequestState, RepoState, RepoStore } from './repo-store.js';

/** A parsed REST request as route handlers see it. */
export interface RestRequest {
  method: string;
  /** Full URL (emulator base + path + query), for pagination links. */
  url: URL;
  /** Path parameters, already percent-decoded. */
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What a handler answers; the dispatcher adds GitHub's headers. */
export interface RestResponse {
  status: number;
  /** JSON value, or a string sent as-is with `contentType`. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** What handlers may use. */
export interface RestDeps {
  store: RepoStore;
  baseUrl: string;
  /** Login of the token's user (author of PRs and comments). */
  login: string;
}

/** A REST route handler. Throws `GitHubHttpError` for GitHub-shaped errors. */
export type RestHandler = (req: RestRequest, deps: RestDeps) => Promise<RestResponse>;

/** A REST route: method plus a path pattern whose named groups become `params`. */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  pattern: RegExp;
  handler: RestHandler;
}

/** JSON 200/201 response. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): RestResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** Parses the body as a JSON object; 400 `Problems parsing JSON` otherwise (an empty body is `{}`). */
export function jsonObject(req: RestRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw problemsParsingJson();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw problemsParsingJson();
  return value as Record<string, unknown>;
}

/** The repository named by `owner`/`repo` params; 404 `Not Found` when unknown. */
export function requireRepo(req: RestRequest, deps: RestDeps): RepoState {
  const repo = deps.store.get(req.params.owner ?? '', req.params.repo ?? '');
  if (!repo) throw notFound();
  return repo;
}

/** Like {@link requireRepo}, and 403 when the repository is archived (read-only). */
export function requireWritableRepo(req: RestRequest, deps: RestDeps): RepoState {
  const repo = requireRepo(req, deps);
  if (repo.record.archived) throw archivedReadOnly();
  return repo;
}

/** The PR numbered by the `number` param; 404 `Not Found` when there is none. */
export function requirePull(repo: RepoState, req: RestRequest): PullRequestState {
  const number = Number(req.params.number);
  const pr = repo.pulls.find((p) => p.number === number);
  if (!pr) throw notFound();
  return pr;
}

/** True when `error` is one the dispatcher can send as is. */
export function isGitHubError(error: unknown): error is GitHubHttpError {
  return error instanceof GitHubHttpError;
}
