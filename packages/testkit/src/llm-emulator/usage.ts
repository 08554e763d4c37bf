import type { ParsedChatRequest } from './request-validation.js';
import type { UsageOverride } from './types.js';

/**
 * Token usage as the API reports it in `usage`
 * (https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage).
 */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** Rough token count: one token per four characters, at least one for non-empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Prompt tokens of a request: its messages and tools, serialised, at chars/4. */
export function estimatePromptTokens(request: Pick<ParsedChatRequest, 'body'>): number {
  const { messages, tools } = request.body;
  return Math.max(
    1,
    estimateTokens(JSON.stringify(messages ?? [])) + estimateTokens(tools ? JSON.stringify(tools) : ''),
  );
}

/** Builds the `usage` object, applying a step's override on top of the estimates. */
export function buildUsage(promptEstimate: number, completionEstimate: number, override?: UsageOverride): WireUsage {
  const prompt = override?.promptTokens ?? promptEstimate;
  const completion = override?.completionTokens ?? completionEstimate;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: override?.totalTokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
