import type http from 'node:http';
import { sendJson } from '../emulator-support/index.js';
import { answerUsage, completionBody, completionChunks, sendStream } from './completion-response.js';
import type { EmulatorContext } from './emulator-context.js';
import { invalidRequest, OpenAiApiError, sendOpenAiError } from './openai-error.js';
import { parseChatRequest } from './request-validation.js';
import { stepIndexOf } from './scenario-engine.js';
import type { ChatRequest } from './types.js';
import { estimatePromptTokens } from './usage.js';

/**
 * The OpenAI routes under `/v1`: `POST /v1/chat/completions`
 * (https://platform.openai.com/docs/api-reference/chat/create) and `GET /v1/models[/{id}]`
 * (https://platform.openai.com/docs/api-reference/models). Order per request: rate-limit headers,
 * fault injection, latency, bearer auth, validation, answer.
 */

const REQUEST_LIMIT = 10_000;
const TOKEN_LIMIT = 30_000_000;
const MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini'];
const JSON_PARSE_ERROR =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

/** Masks a key the way the API echoes it in 401 messages: first and last characters only. */
function maskKey(key: string): string {
  if (key.length <= 10) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

/**
 * Bearer auth as the API does it (https://platform.openai.com/docs/guides/error-codes, 401).
 * Returns the error to answer, or `undefined` when the key is right.
 */
function checkAuth(ctx: EmulatorContext, req: http.IncomingMessage): OpenAiApiError | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  const key = match?.[1]?.trim();
  if (!key) {
    return new OpenAiApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
    );
  }
  if (key !== ctx.apiKey) {
    return new OpenAiApiError(
      401,
      `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  return undefined;
}

/** Headers the API sends on every response (https://platform.openai.com/docs/guides/rate-limits). */
function setCommonHeaders(ctx: EmulatorContext, res: http.ServerResponse): void {
  ctx.apiRequestCount++;
  res.setHeader('x-request-id', ctx.nextRequestId());
  res.setHeader('openai-version', '2020-10-01');
  res.setHeader('openai-processing-ms', '1');
  res.setHeader('x-ratelimit-limit-requests', String(REQUEST_LIMIT));
  res.setHeader('x-ratelimit-limit-tokens', String(TOKEN_LIMIT));
  res.setHeader('x-ratelimit-remaining-requests', String(Math.max(0, REQUEST_LIMIT - ctx.apiRequestCount)));
  res.setHeader('x-ratelimit-remaining-tokens', String(TOKEN_LIMIT));
  res.setHeader('x-ratelimit-reset-requests', '6ms');
  res.setHeader('x-ratelimit-reset-tokens', '0s');
}

function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

function answerChat(ctx: EmulatorContext, res: http.ServerResponse, rawBody: string): void {
  let decoded: unknown;
  try {
    decoded = JSON.parse(rawBody);
  } catch {
    throw invalidRequest(JSON_PARSE_ERROR);
  }
  const parsed = parseChatRequest(decoded);
  const request: ChatRequest = {
    ...parsed,
    ticketKey: ctx.engine.findTicketKey(parsed.messages),
    stepIndex: stepIndexOf(parsed.messages),
    at: Date.now(),
  };
  ctx.chatRequests.push(request);
  const answer = ctx.engine.answer(request);
  if (answer.kind === 'error') {
    if (answer.error.status === 429) res.setHeader('x-ratelimit-remaining-requests', '0');
    sendOpenAiError(res, answer.error);
    return;
  }
  const meta = {
    id: ctx.nextCompletionId(),
    model: request.model,
    created: Math.floor(request.at / 1000),
    systemFingerprint: 'fp_khitomer_emulator',
  };
  const usage = answerUsage(estimatePromptTokens(request), answer, answer.usage);
  if (request.stream) {
    sendStream(res, completionChunks(meta, answer, usage, request.includeUsage));
  } else {
    sendJson(res, 200, completionBody(meta, answer, usage));
  }
}

/**
 * Serves one `/v1` request whose body has been read. Never throws for a bad request: every
 * problem is answered in OpenAI's error shape.
 */
export async function handleApiRequest(
  ctx: EmulatorContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  rawBody: string,
): Promise<void> {
  setCommonHeaders(ctx, res);
  if ((await ctx.faults.apply(req, res, path)) === 'handled') return;
  if (ctx.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.latencyMs));
  const method = (req.method ?? 'GET').toUpperCase();
  try {
    const authProblem = checkAuth(ctx, req);
    if (authProblem) throw authProblem;
    if (method === 'POST' && path === '/v1/chat/completions') {
      answerChat(ctx, res, rawBody);
      return;
    }
    if (method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: MODELS.map(modelObject) });
      return;
    }
    const modelMatch = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && modelMatch?.[1]) {
      const id = decodeURIComponent(modelMatch[1]);
      if (!MODELS.includes(id)) {
        throw new OpenAiApiError(
          404,
          `The model '${id}' does not exist or you do not have access to it.`,
          'invalid_request_error',
          null,
          'model_not_found',
        );
      }
      sendJson(res, 200, modelObject(id));
      return;
    }
    throw new OpenAiApiError(404, `Invalid URL (${method} ${path})`, 'invalid_request_error');
  } catch (err) {
    if (err instanceof OpenAiApiError) {
      sendOpenAiError(res, err);
      return;
    }
    throw err;
  }
}
