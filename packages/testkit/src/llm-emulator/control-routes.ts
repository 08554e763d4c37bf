import type http from 'node:http';
import { type FaultRule, sendJson } from '../emulator-support/index.js';
import { type EmulatorContext, resetEmulator } from './emulator-context.js';
import { isPlainObject } from './json-schema.js';
import { ScenarioDefinitionError } from './scenario-steps.js';

/**
 * The emulator's own control API under `/_emulator/` (no auth; for the demo and for tests in
 * another process). Bodies are JSON; errors are `{error: {message}}` with status 400 or 404.
 *
 * - `POST   /_emulator/scenarios`          `{ticketKey, steps}` — static steps only → 201
 * - `POST   /_emulator/structured-answers` `{ticketKey, value}` → 201
 * - `GET    /_emulator/requests`           → `{requests, chatRequests}`
 * - `DELETE /_emulator/requests`           → 204
 * - `POST   /_emulator/faults`             a fault rule (`path` as a string) → 201
 * - `DELETE /_emulator/faults`             → 204
 * - `GET    /_emulator/bugs`               → `{bugs}` (scenario bugs answered so far)
 * - `POST   /_emulator/reset`              scenarios, answers, logs and faults cleared → 204
 */

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(rawBody: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new ControlError(400, 'body must be JSON');
  }
  if (!isPlainObject(value)) throw new ControlError(400, 'body must be a JSON object');
  return value;
}

function ticketKeyOf(body: Record<string, unknown>): string {
  if (typeof body.ticketKey !== 'string' || body.ticketKey.trim() === '') {
    throw new ControlError(400, 'ticketKey must be a non-empty string');
  }
  return body.ticketKey;
}

const NUMBER_FIELDS = ['probability', 'times', 'status', 'retryAfterSeconds', 'latencyMs'] as const;

function parseFaultRule(body: Record<string, unknown>): FaultRule {
  const rule: FaultRule = {};
  if (body.method !== undefined) {
    if (typeof body.method !== 'string') throw new ControlError(400, 'method must be a string');
    rule.method = body.method;
  }
  if (body.path !== undefined) {
    if (typeof body.path !== 'string') throw new ControlError(400, 'path must be a string');
    rule.path = body.path;
  }
  for (const field of NUMBER_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ControlError(400, `${field} must be a non-negative number`);
    }
    rule[field] = value;
  }
  if (body.hang !== undefined) {
    if (typeof body.hang !== 'boolean') throw new ControlError(400, 'hang must be a boolean');
    rule.hang = body.hang;
  }
  if (body.body !== undefined) rule.body = body.body;
  return rule;
}

/** Serves one `/_emulator/` request whose body has been read. */
export function handleControlRequest(
  ctx: EmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  rawBody: string,
): void {
  const route = `${(req.method ?? 'GET').toUpperCase()} ${path}`;
  try {
    switch (route) {
      case 'POST /_emulator/scenarios': {
        const body = parseJson(rawBody);
        const ticketKey = ticketKeyOf(body);
        if (!Array.isArray(body.steps)) throw new ControlError(400, 'steps must be an array');
        ctx.engine.addScenario(ticketKey, body.steps);
        sendJson(res, 201, { ticketKey, steps: body.steps.length });
        return;
      }
      case 'POST /_emulator/structured-answers': {
        const body = parseJson(rawBody);
        const ticketKey = ticketKeyOf(body);
        if (!('value' in body)) throw new ControlError(400, 'value is required');
        ctx.engine.setStructuredAnswer(ticketKey, body.value);
        sendJson(res, 201, { ticketKey });
        return;
      }
      case 'GET /_emulator/requests':
        sendJson(res, 200, { requests: ctx.requests.entries, chatRequests: ctx.chatRequests });
        return;
      case 'DELETE /_emulator/requests':
        ctx.requests.clear();
        ctx.chatRequests.length = 0;
        sendJson(res, 204, undefined);
        return;
      case 'POST /_emulator/faults':
        ctx.faults.add(parseFaultRule(parseJson(rawBody)));
        sendJson(res, 201, { ok: true });
        return;
      case 'DELETE /_emulator/faults':
        ctx.faults.clear();
        sendJson(res, 204, undefined);
        return;
      case 'GET /_emulator/bugs':
        sendJson(res, 200, { bugs: ctx.engine.bugs });
        return;
      case 'POST /_emulator/reset':
        resetEmulator(ctx);
        sendJson(res, 204, undefined);
        return;
      default:
        throw new ControlError(404, `no control route ${route}`);
    }
  } catch (err) {
    if (err instanceof ControlError) {
      sendJson(res, err.status, { error: { message: err.message } });
      return;
    }
    if (err instanceof ScenarioDefinitionError) {
      sendJson(res, 400, { error: { message: err.message } });
      return;
    }
    throw err;
  }
}
