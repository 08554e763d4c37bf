/**
 * Public types of the OpenAI Chat Completions emulator.
 *
 * Wire shapes follow the Chat Completions API reference:
 * https://platform.openai.com/docs/api-reference/chat/create
 */

/** A JSON value as it travels over the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON schema object (the subset the emulator understands is documented in `json-schema.ts`). */
export type JsonSchema = Record<string, unknown>;

/** A tool call the model made, as parsed from an assistant message of the request. */
export interface ChatToolCall {
  id: string;
  name: string;
  /** Raw JSON text of the arguments, exactly as sent. */
  arguments: string;
}

/** One message of a request, normalised (array content parts are joined into one string). */
export type ChatMessage =
  | { role: 'system' | 'developer' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls: ChatToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

/** A function tool offered by the request. */
export interface ChatToolDefinition {
  name: string;
  description?: string;
  /** JSON schema of the arguments (absent when the request omitted it). */
  parameters?: JsonSchema;
  strict: boolean;
}

/** The `response_format` of a request. */
export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict: boolean };

/** A validated Chat Completions request, as the emulator understood it. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Function tools offered (empty when none). */
  tools: ChatToolDefinition[];
  /** `tool_choice` as sent (`auto` when absent). */
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  responseFormat: ChatResponseFormat;
  stream: boolean;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Registered ticket key found in the system/user messages, if any. */
  ticketKey: string | undefined;
  /** Index of the scenario step this request is answered with (= assistant messages in the history). */
  stepIndex: number;
  /** The parsed JSON body, untouched. */
  body: Record<string, unknown>;
  /** Milliseconds since the epoch at which the request arrived. */
  at: number;
}

/** Token counts a step may force instead of the emulator's chars/4 estimate. */
export interface UsageOverride {
  promptTokens?: number;
  completionTokens?: number;
  /** Defaults to prompt + completion. */
  totalTokens?: number;
}

/** A tool call a scripted step makes. */
export interface ScriptedToolCall {
  /** Must be one of the request's `tools`, else the emulator answers 500 ("scenario bug"). */
  name: string;
  /**
   * Arguments object (serialised to JSON and checked against the tool's parameter schema), or a raw
   * string sent as is — useful to script malformed arguments.
   */
  arguments: Record<string, unknown> | string;
}

/** A step that answers with tool calls (and optionally some text). */
export interface ToolCallStep {
  toolCalls: ScriptedToolCall[];
  content?: string;
  usage?: UsageOverride;
}

/** A step that answers with plain assistant text. */
export interface ContentStep {
  content: string;
  usage?: UsageOverride;
}

/**
 * A step that fails the call with an HTTP error instead of answering. It does not use up a history
 * position: after it has fired `times` times (default 1) the same history gets the next step, so a
 * retried call succeeds.
 */
export interface ErrorStep {
  error: {
    /** HTTP status, e.g. 429, 500, 502, 503, 400. */
    status: number;
    /** Sent as `retry-after` (seconds). */
    retryAfterSeconds?: number;
    /** Error message (defaults to OpenAI's usual text for the status). */
    message?: string;
    /** How many calls fail before the step is passed over (default 1). */
    times?: number;
  };
}

/** A step that is plain data (also what the HTTP control API accepts). */
export type StaticStep = ToolCallStep | ContentStep | ErrorStep;

/** A tool result found in the request's history, paired with the call it answers. */
export interface ToolResult {
  toolCallId: string;
  /** Name of the tool that was called. */
  name: string;
  /** Raw JSON arguments of the call. */
  arguments: string;
  /** What the agent returned to the model. */
  content: string;
}

/** What a dynamic step sees of the conversation so far. */
export interface ScenarioHistory {
  ticketKey: string;
  /** Position in the scenario (= assistant messages in the request). */
  stepIndex: number;
  /** Every tool result in the request, oldest first. */
  toolResults: ToolResult[];
  /** Tool results answering the most recent assistant message (empty at step 0). */
  lastToolResults: ToolResult[];
}

/** A step computed from the request; it must return a static step and should be deterministic. */
export type DynamicStep = (request: ChatRequest, history: ScenarioHistory) => StaticStep;

/** One scripted answer of a scenario. */
export type ScenarioStep = StaticStep | DynamicStep;

/** The scripted answers for one ticket, in order: step N answers a request with N assistant messages. */
export type Scenario = readonly ScenarioStep[];

/** Options of {@link startLlmEmulator}. */
export interface LlmEmulatorOptions {
  /** Bearer token the emulator accepts (default `sk-test-khitomer-emulator`). */
  apiKey?: string;
  /** Seed of the fault injector and of generated completion ids (default 42). */
  seed?: number;
  /** Delay added before answering every `/v1` request, in milliseconds (default 0). */
  latencyMs?: number;
  /** Port to listen on (default: a free one). */
  port?: number;
}
