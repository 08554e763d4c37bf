/**
 * Pure translation between the domain `LlmChatRequest`/`LlmChatResponse` and the OpenAI Chat
 * Completions wire types.
 */
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { IntegrationError } from '../errors.js';
import type { LlmChatRequest, LlmChatResponse, LlmMessage, LlmToolCall } from '../llm-client.js';

function toMessageParam(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      return calls.length === 0
        ? { role: 'assistant', content: message.content }
        : {
            role: 'assistant',
            content: message.content,
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          };
    }
  }
}

/**
 * Builds the `chat.completions.create` body: messages, function tools, strict `json_schema`
 * response format when `jsonSchema` is given, `max_completion_tokens`, `temperature`. Pure.
 */
export function toChatParams(model: string, request: LlmChatRequest): ChatCompletionCreateParamsNonStreaming {
  const params: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: request.messages.map(toMessageParam),
  };
  if (request.tools && request.tools.length > 0) {
    params.tools = request.tools.map(
      (tool): ChatCompletionTool => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      }),
    );
  }
  if (request.jsonSchema) {
    params.response_format = {
      type: 'json_schema',
      json_schema: { name: request.jsonSchema.name, strict: true, schema: request.jsonSchema.schema },
    };
  }
  if (request.maxCompletionTokens !== undefined) params.max_completion_tokens = request.maxCompletionTokens;
  if (request.temperature !== undefined) params.temperature = request.temperature;
  return params;
}

/**
 * Maps the first choice of a completion to `LlmChatResponse` (function tool calls only; usage
 * zero when the server sends none). Throws `IntegrationError('invalid_response')` (not
 * retryable) when there is no choice.
 */
export function fromChatCompletion(completion: ChatCompletion): LlmChatResponse {
  const choice = completion.choices?.[0];
  if (!choice) {
    throw new IntegrationError('invalid_response', 'the model returned no choices', { system: 'llm' });
  }
  const toolCalls: LlmToolCall[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type === 'function') {
      toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
    }
  }
  const usage = completion.usage;
  return {
    content: choice.message.content ?? null,
    toolCalls,
    finishReason: choice.finish_reason ?? 'unknown',
    usage: {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      totalTokens: usage?.total_tokens ?? (usage ? usage.prompt_tokens + usage.completion_tokens : 0),
    },
  };
}
