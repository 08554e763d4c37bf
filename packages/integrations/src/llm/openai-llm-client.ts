/**
 * `LlmClient` over the `openai` SDK's Chat Completions API (any OpenAI-compatible endpoint).
 */
import OpenAI from 'openai';
import { linkedAbortSignal } from '../linked-abort-signal.js';
import type { LlmChatRequest, LlmChatResponse, LlmClient } from '../llm-client.js';
import { type Logger, silentLogger } from '../logger.js';
import { fromChatCompletion, toChatParams } from './chat-mapping.js';
import { toLlmError } from './llm-errors.js';

/** Options of {@link createOpenAiLlmClient}. */
export interface OpenAiLlmClientOptions {
  /** Never logged nor put into error messages. */
  apiKey: string;
  /** OPENAI_BASE_URL; the SDK default when absent. */
  baseUrl?: string;
  /** e.g. `gpt-4.1`. */
  model: string;
  logger?: Logger;
  /** SDK retries of 429/5xx/connection errors, honouring retry-after(-ms); default 2. */
  maxRetries?: number;
  /** Per-request timeout in ms (default 600 000, the SDK's). */
  timeoutMs?: number;
}

/**
 * Creates the LLM adapter. `chat` throws `IntegrationError` (system `llm`) after the SDK's own
 * retries: `rate_limited` (with `retryAfterMs`), `unavailable`, `network`, `timeout` are
 * retryable; `unauthorized`, `forbidden`, `bad_input`, `invalid_response` and `aborted` are not.
 * Prompts are logged by size only. Does no I/O until `chat` is called.
 */
export function createOpenAiLlmClient(options: OpenAiLlmClientOptions): LlmClient {
  const logger = options.logger ?? silentLogger;
  const secrets = [options.apiKey];
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    maxRetries: options.maxRetries ?? 2,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    // The SDK's console logging would bypass our logger; its retries surface in our error mapping.
    logLevel: 'off',
  });

  return {
    async chat(request: LlmChatRequest): Promise<LlmChatResponse> {
      const params = toChatParams(options.model, request);
      const started = Date.now();
      // The SDK never removes the abort listener it adds: give it a signal of this call only.
      const call = linkedAbortSignal(request.signal);
      try {
        const completion = await client.chat.completions.create(params, call ? { signal: call.signal } : {});
        const response = fromChatCompletion(completion);
        logger.info(
          {
            model: options.model,
            messages: request.messages.length,
            toolCalls: response.toolCalls.length,
            finishReason: response.finishReason,
            totalTokens: response.usage.totalTokens,
            durationMs: Date.now() - started,
          },
          'llm chat completed',
        );
        return response;
      } catch (err) {
        const mapped = toLlmError(err, secrets, request.signal?.aborted === true);
        logger.warn({ model: options.model, code: mapped.code, status: mapped.status }, 'llm chat failed');
        throw mapped;
      } finally {
        call?.dispose();
      }
    },
  };
}
