import type http from 'node:http';
import { buildUsage, estimateTokens, type WireUsage } from './usage.js';

/**
 * Wire shapes of answers: the `chat.completion` object
 * (https://platform.openai.com/docs/api-reference/chat/object) and the `chat.completion.chunk`
 * stream (https://platform.openai.com/docs/api-reference/chat-streaming): server-sent `data:`
 * events, one delta per chunk, tool-call deltas keyed by `index` with `id`/`type`/`name` only in the
 * first, `usage: null` on every chunk and one final chunk with empty `choices` and the usage when
 * `stream_options.include_usage` is set, then `data: [DONE]`.
 */

/** The model's message, ready to be serialised. */
export interface AnswerMessage {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** Identity shared by every chunk of one completion. */
export interface CompletionMeta {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  systemFingerprint: string;
}

/** Completion tokens of an answer: its text, tool names and arguments, at chars/4. */
export function estimateCompletionTokens(message: AnswerMessage): number {
  const text = (message.content ?? '') + message.toolCalls.map((c) => c.name + c.arguments).join('');
  return Math.max(1, estimateTokens(text));
}

function finishReason(message: AnswerMessage): 'tool_calls' | 'stop' {
  return message.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

/** The non-streaming `chat.completion` body. */
export function completionBody(
  meta: CompletionMeta,
  message: AnswerMessage,
  usage: WireUsage,
): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: message.content,
          refusal: null,
          annotations: [],
          ...(message.toolCalls.length > 0
            ? {
                tool_calls: message.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: finishReason(message),
      },
    ],
    usage,
    service_tier: 'default',
    system_fingerprint: meta.systemFingerprint,
  };
}

/** Splits text into pieces of at most `size` characters (at least one piece, possibly empty). */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** The `chat.completion.chunk` objects of a streamed answer, in order (without `[DONE]`). */
export function completionChunks(
  meta: CompletionMeta,
  message: AnswerMessage,
  usage: WireUsage,
  includeUsage: boolean,
): Record<string, unknown>[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: meta.systemFingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: Record<string, unknown>[] = [];
  chunks.push(chunk({ role: 'assistant', content: message.content === null ? null : '', refusal: null }));
  if (message.content) {
    for (const piece of pieces(message.content, 16)) chunks.push(chunk({ content: piece }));
  }
  message.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const piece of pieces(call.arguments, 24)) {
      if (piece !== '') chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, finishReason(message)));
  if (includeUsage) {
    chunks.push({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      service_tier: 'default',
      system_fingerprint: meta.systemFingerprint,
      choices: [],
      usage,
    });
  }
  return chunks;
}

/** Writes a streamed answer as server-sent events and ends the response. */
export function sendStream(res: http.ServerResponse, chunks: Record<string, unknown>[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Usage of an answer, from the prompt estimate, the message and an optional override. */
export function answerUsage(
  promptTokens: number,
  message: AnswerMessage,
  override?: Parameters<typeof buildUsage>[2],
): WireUsage {
  return buildUsage(promptTokens, estimateCompletionTokens(message), override);
}
