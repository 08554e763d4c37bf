import type { RequestLog } from '../emulator-support/index.js';
import type { OpenAiFaultInjector } from './openai-faults.js';
import type { ScenarioEngine } from './scenario-engine.js';
import type { ChatRequest } from './types.js';

/** Everything the route handlers of one emulator instance share. */
export interface EmulatorContext {
  /** The only bearer token accepted on `/v1`. */
  readonly apiKey: string;
  /** Added before answering each `/v1` request, in milliseconds. */
  readonly latencyMs: number;
  readonly engine: ScenarioEngine;
  readonly requests: RequestLog;
  readonly chatRequests: ChatRequest[];
  readonly faults: OpenAiFaultInjector;
  /** A fresh `chatcmpl-…` id (seeded, so a run is reproducible). */
  nextCompletionId(): string;
  /** A fresh `req_…` id for `x-request-id`. */
  nextRequestId(): string;
  /** `/v1` requests served so far (drives `x-ratelimit-remaining-requests`). */
  apiRequestCount: number;
}

/** Clears scenarios, structured answers, recorded bugs, request logs and fault rules. */
export function resetEmulator(ctx: EmulatorContext): void {
  ctx.engine.reset();
  ctx.faults.clear();
  ctx.requests.clear();
  ctx.chatRequests.length = 0;
}
