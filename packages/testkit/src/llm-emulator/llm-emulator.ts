import type http from 'node:http';
import {
  BodyTooLargeError,
  flattenHeaders,
  RequestLog,
  readBody,
  seededRandom,
  sendJson,
  startHttpServer,
} from '../emulator-support/index.js';
import { handleApiRequest } from './api-routes.js';
import { handleControlRequest } from './control-routes.js';
import { type EmulatorContext, resetEmulator } from './emulator-context.js';
import { OpenAiApiError, sendOpenAiError } from './openai-error.js';
import { OpenAiFaultInjector } from './openai-faults.js';
import { ScenarioEngine } from './scenario-engine.js';
import type { ChatRequest, LlmEmulatorOptions, Scenario } from './types.js';

/** Default bearer token of the emulator (no real secret; looks like one so scans can find it). */
export const DEFAULT_LLM_API_KEY = 'sk-test-khitomer-emulator';

/** A running OpenAI Chat Completions emulator. */
export interface LlmEmulator {
  /** Root URL, e.g. `http://127.0.0.1:40123`; give clients `${url}/v1` as their `baseURL`. */
  readonly url: string;
  /** `${url}/v1`, ready for `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  /** The bearer token the emulator accepts. */
  readonly apiKey: string;
  /** Every HTTP request received (also control and refused ones), raw. */
  readonly requests: RequestLog;
  /** Every chat completion request that passed validation, parsed, oldest first. */
  readonly chatRequests: ChatRequest[];
  /** Fault injection on `/v1/*` (statuses get OpenAI's error body unless a rule gives one). */
  readonly faults: OpenAiFaultInjector;
  /** Scenario bugs answered with a 500 so far; a test can assert this stays empty. */
  readonly scenarioBugs: readonly string[];
  /**
   * Registers (or replaces) the scripted answers of a ticket. Idempotent per ticket. Throws
   * `ScenarioDefinitionError` when a static step is malformed.
   */
  addScenario(ticketKey: string, steps: Scenario): void;
  /**
   * Registers the structured-output (`json_schema` / `json_object`) answer of a ticket. It is
   * validated against each request's schema; a mismatch is answered as a 500 "scenario bug".
   */
  setStructuredAnswer(ticketKey: string, value: unknown): void;
  /** Clears scenarios, structured answers, logs and faults. */
  reset(): void;
  /** Stops the server and drops open (also hung) connections. Idempotent. */
  close(): Promise<void>;
}

function idMaker(random: () => number, prefix: string, length: number): () => string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return () => {
    let id = prefix;
    for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
    return id;
  };
}

/**
 * Starts an OpenAI Chat Completions emulator on 127.0.0.1 (a free port unless `port` is given).
 * Use it through the real `openai` client with `baseURL: emulator.baseURL` and
 * `apiKey: emulator.apiKey`. Rejects when the port cannot be bound.
 */
export async function startLlmEmulator(options: LlmEmulatorOptions = {}): Promise<LlmEmulator> {
  const seed = options.seed ?? 42;
  const random = seededRandom(seed);
  const engine = new ScenarioEngine();
  const ctx: EmulatorContext = {
    apiKey: options.apiKey ?? DEFAULT_LLM_API_KEY,
    latencyMs: options.latencyMs ?? 0,
    engine,
    requests: new RequestLog(),
    chatRequests: [],
    faults: new OpenAiFaultInjector(seed),
    nextCompletionId: idMaker(random, 'chatcmpl-', 29),
    nextRequestId: idMaker(random, 'req_', 32),
    apiRequestCount: 0,
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    let rawBody: string;
    try {
      rawBody = (await readBody(req)).toString('utf8');
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendOpenAiError(res, new OpenAiApiError(413, err.message, 'invalid_request_error'));
        return;
      }
      throw err;
    }
    ctx.requests.record({
      method: (req.method ?? 'GET').toUpperCase(),
      path,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req.headers),
      body: rawBody,
      at: Date.now(),
    });
    if (path.startsWith('/_emulator/')) {
      handleControlRequest(ctx, req, res, path, rawBody);
    } else if (path === '/v1' || path.startsWith('/v1/')) {
      await handleApiRequest(ctx, req, res, path, rawBody);
    } else {
      sendJson(res, 404, {
        error: {
          message: `Invalid URL (${req.method} ${path})`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
  };
  const server = await startHttpServer(handler, options.port === undefined ? {} : { port: options.port });

  return {
    url: server.url,
    baseURL: `${server.url}/v1`,
    apiKey: ctx.apiKey,
    requests: ctx.requests,
    chatRequests: ctx.chatRequests,
    faults: ctx.faults,
    scenarioBugs: engine.bugs,
    addScenario: (ticketKey, steps) => engine.addScenario(ticketKey, steps),
    setStructuredAnswer: (ticketKey, value) => engine.setStructuredAnswer(ticketKey, value),
    reset: () => resetEmulator(ctx),
    close: () => server.close(),
  };
}
