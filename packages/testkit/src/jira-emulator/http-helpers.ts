import type http from 'node:http';
import { sendJson } from '../emulator-support/http-server.js';
import type { Catalog } from './catalog.js';
import { badRequest, JiraApiError } from './jira-error.js';

/** True when `authorization` carries Basic credentials equal to the configured email and token. */
export function isAuthorized(authorization: string | undefined, catalog: Catalog): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return decoded.slice(0, colon) === catalog.username && decoded.slice(colon + 1) === catalog.apiToken;
}

/**
 * Jira Cloud's answer to missing or wrong basic-auth credentials: 401 with a plain-text body
 * (seen in https://github.com/atlassian/gajira-login/issues/59 for `GET /rest/api/3/myself`).
 */
export function sendUnauthorized(res: http.ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'text/plain;charset=UTF-8',
    'www-authenticate': 'Basic realm="protected-area"',
  });
  res.end('Client must be authenticated to access this resource.');
}

/** Sends a {@link JiraApiError} in Jira's error-collection shape. */
export function sendJiraError(res: http.ServerResponse, error: JiraApiError, detail?: string): void {
  sendJson(
    res,
    error.status,
    error.toBody(),
    detail ? { 'x-emulator-detail': detail.replace(/[^\x20-\x7e]/g, '?') } : {},
  );
}

/** Sends 204 No Content. */
export function sendNoContent(res: http.ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/**
 * Parses a JSON request body. Jira answers 415 for a body that is not sent as JSON and 400 for
 * an empty or malformed one.
 */
export function parseJsonBody(rawBody: string, contentType: string | undefined): unknown {
  if (rawBody.trim() === '') throw badRequest('No content to map due to end-of-input');
  if (!/^application\/json\b/i.test(contentType ?? '')) {
    throw new JiraApiError(415, ['Unsupported Media Type: the request body must be sent as application/json.']);
  }
  try {
    return JSON.parse(rawBody) as unknown;
  } catch (error) {
    throw badRequest(
      `Unexpected character in the JSON body: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Narrows to a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a non-negative integer query parameter; 400 when malformed. */
export function queryInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`The '${name}' parameter must be a non-negative integer, got '${raw}'.`);
  return Number(raw);
}

/** All values of a repeatable, comma-separated query parameter. */
export function queryList(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Expand options from a query value or body member (comma-separated string or array). */
export function expandSet(value: unknown): Set<string> {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return new Set(
    parts
      .filter((p): p is string => typeof p === 'string')
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter(Boolean),
  );
}
