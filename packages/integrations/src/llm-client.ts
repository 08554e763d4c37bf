/** A tool the model may call (OpenAI function tool). */
export interface LlmToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** A tool call made by the model. */
export interface LlmToolCall {
  id: string;
  name: string;
  /** Raw JSON string of the arguments, as the model produced it (may be invalid). */
  arguments: string;
}

/** A chat message. */
export type LlmMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** Token usage of one call. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** One Chat Completions request. */
export interface LlmChatRequest {
  messages: LlmMessage[];
  tools?: LlmToolDefinition[];
  /** Strict JSON-schema structured output (`response_format: {type: 'json_schema', strict: true}`). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  maxCompletionTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

/** The model's answer. */
export interface LlmChatResponse {
  content: string | null;
  toolCalls: LlmToolCall[];
  finishReason: string;
  usage: LlmUsage;
}

/**
 * An OpenAI-compatible Chat Completions endpoint. Throws `IntegrationError` (`rate_limited` with
 * `retryAfterMs`, `unavailable`, `unauthorized`, `bad_input`, `aborted`).
 */
export interface LlmClient {
  chat(request: LlmChatRequest): Promise<LlmChatResponse>;
}
