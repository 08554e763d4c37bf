import type http from 'node:http';
import { type FaultInjector, type FaultRule, type RequestLog, readBody, sendJson } from '../emulator-support/index.js';
import { fixturePath } from '../fixtures/index.js';
import { ControlApiError, type GitHubControl } from './control-api.js';

/** What the `/_emulator/...` routes operate on. */
export interface ControlDeps {
  control: GitHubControl;
  requests: RequestLog;
  faults: FaultInjector;
}

/** Handles one `/_emulator/...` request. */
export type ControlHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void>;

const repoPrefix = /^\/_emulator\/repos\/([^/]+)\/([^/]+)(\/.*)?$/;

/**
 * Control API over HTTP for the demo and other processes (no auth, no fault injection):
 * - `POST /_emulator/repos` `{owner, name, fixture | fixtureDir, defaultBranch?, private?, archived?}`
 * - `GET /_emulator/repos/{o}/{r}/pulls`, `.../pulls/{n}/diff` (text), `.../branches`,
 *   `.../comments[?issue=n]`, `.../files/{path}?ref=` (text)
 * - `GET /_emulator/requests`, `POST /_emulator/faults` (a fault rule, `path` as a string),
 *   `DELETE /_emulator/faults`
 * Errors answer `{message}` with the {@link ControlApiError} status (400, 404, 409).
 */
export function createControlHandler(deps: ControlDeps): ControlHandler {
  return async (req, res, url) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    try {
      if (method === 'POST' && path === '/_emulator/repos') {
        const body = await readJson(req);
        const fixtureDir =
          typeof body.fixtureDir === 'string'
            ? body.fixtureDir
            : typeof body.fixture === 'string'
              ? namedFixture(body.fixture)
              : undefined;
        if (typeof body.owner !== 'string' || typeof body.name !== 'string' || !fixtureDir) {
          return sendJson(res, 400, { message: 'owner, name and fixture (name) or fixtureDir (path) are required' });
        }
        const record = await deps.control.createRepoFromFixture(body.owner, body.name, fixtureDir, {
          ...(typeof body.defaultBranch === 'string' ? { defaultBranch: body.defaultBranch } : {}),
          ...(typeof body.private === 'boolean' ? { private: body.private } : {}),
          ...(typeof body.archived === 'boolean' ? { archived: body.archived } : {}),
        });
        return sendJson(res, 201, record);
      }
      if (method === 'GET' && path === '/_emulator/requests') return sendJson(res, 200, deps.requests.entries);
      if (path === '/_emulator/faults') {
        if (method === 'DELETE') {
          deps.faults.clear();
          return sendJson(res, 204, undefined);
        }
        if (method === 'POST') {
          deps.faults.add((await readJson(req)) as FaultRule);
          return sendJson(res, 201, { ok: true });
        }
      }
      const match = repoPrefix.exec(path);
      if (method === 'GET' && match) {
        const owner = decodeURIComponent(match[1] ?? '');
        const name = decodeURIComponent(match[2] ?? '');
        const rest = match[3] ?? '';
        if (!deps.control.repository(owner, name))
          return sendJson(res, 404, { message: `unknown repository ${owner}/${name}` });
        if (rest === '' || rest === '/') return sendJson(res, 200, deps.control.repository(owner, name));
        if (rest === '/pulls') return sendJson(res, 200, deps.control.pulls(owner, name));
        if (rest === '/branches') return sendJson(res, 200, await deps.control.branches(owner, name));
        if (rest === '/comments') {
          const issue = url.searchParams.get('issue');
          return sendJson(res, 200, deps.control.comments(owner, name, issue === null ? undefined : Number(issue)));
        }
        const diff = /^\/pulls\/(\d+)\/diff$/.exec(rest);
        if (diff) return sendText(res, await deps.control.pullDiff(owner, name, Number(diff[1])));
        const file = /^\/files\/(.+)$/.exec(rest);
        if (file) {
          const ref = url.searchParams.get('ref') ?? deps.control.repository(owner, name)?.defaultBranch ?? 'main';
          return sendText(res, await deps.control.readFile(owner, name, ref, decodeURIComponent(file[1] ?? '')));
        }
      }
      return sendJson(res, 404, { message: `no control route ${method} ${path}` });
    } catch (error) {
      if (error instanceof ControlApiError) return sendJson(res, error.status, { message: error.message });
      if (error instanceof SyntaxError) return sendJson(res, 400, { message: `invalid JSON: ${error.message}` });
      throw error;
    }
  };
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8');
  const value: unknown = text.length === 0 ? {} : JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ControlApiError('body must be a JSON object', 400);
  }
  return value as Record<string, unknown>;
}

function namedFixture(name: string): string {
  try {
    return fixturePath(name);
  } catch (error) {
    throw new ControlApiError(error instanceof Error ? error.message : String(error), 400);
  }
}

function sendText(res: http.ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
