/**
 * Keeps the agent's conversation bounded: single tool results and model answers are clipped, and when the whole
 * conversation grows past a character budget the oldest tool outputs (and oversized arguments of old
 * tool calls, e.g. a large write_file content) are replaced by short placeholders. Messages are never
 * removed, so every tool call keeps its answer and the history stays valid for the API.
 */
import type { LlmMessage, LlmToolCall } from '@khitomer/integrations';

/** Size knobs, in characters. */
export interface ContextWindowLimits {
  /** Largest tool result — and largest model answer (text, or one call's arguments) — kept verbatim. */
  toolResultMaxChars: number;
  /** Conversation size above which old outputs are elided. */
  maxConversationChars: number;
  /** The most recent tool results never elided. */
  keepRecentToolResults: number;
}

/** Defaults: ~60k tokens of conversation by the chars/4 rule of thumb. */
export const DEFAULT_CONTEXT_LIMITS: Readonly<ContextWindowLimits> = Object.freeze({
  toolResultMaxChars: 20_000,
  maxConversationChars: 240_000,
  keepRecentToolResults: 6,
});

const ELIDED_PREFIX = '[elided';
const LONG_ARGUMENT_CHARS = 1_000;

/** Clips one tool result to `max` characters, saying how much was cut. Pure. */
export function clipToolResult(content: string, max: number): string {
  if (content.length <= max) return content;
  return `${content.slice(0, max)}\n[tool output truncated: ${content.length - max} more characters not shown]`;
}

/**
 * The model's answer as kept in the conversation: text longer than `max` characters is clipped
 * with a notice, and a call whose arguments are longer than `max` keeps them with every long
 * string elided (the call itself runs with its full arguments; its tool result says what
 * happened). Without this, one oversized answer would be sent back with every later request. Pure.
 */
export function boundAnswer(
  content: string | null,
  toolCalls: readonly LlmToolCall[],
  max: number,
): { content: string | null; toolCalls: LlmToolCall[] } {
  const text =
    content !== null && content.length > max
      ? `${content.slice(0, max)}\n[answer truncated: ${content.length - max} more characters not kept]`
      : content;
  return {
    content: text,
    toolCalls: toolCalls.map((call) => {
      if (call.arguments.length <= max) return call;
      const shrunk = shrinkArguments(call.arguments);
      const args =
        shrunk.length <= max
          ? shrunk
          : JSON.stringify({ elided: `${call.arguments.length} characters of arguments not kept` });
      return { ...call, arguments: args };
    }),
  };
}

/** Characters a message contributes to the prompt (content plus tool-call arguments). Pure. */
export function messageChars(message: LlmMessage): number {
  let chars = typeof message.content === 'string' ? message.content.length : 0;
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) chars += call.arguments.length + call.name.length;
  }
  return chars;
}

/** Characters of the whole conversation. Pure. */
export function conversationChars(messages: readonly LlmMessage[]): number {
  return messages.reduce((sum, m) => sum + messageChars(m), 0);
}

function shrinkArguments(raw: string): string {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(parsed)) {
        out[key] =
          typeof value === 'string' && value.length > LONG_ARGUMENT_CHARS
            ? `${ELIDED_PREFIX}: ${value.length} characters]`
            : value;
      }
      return JSON.stringify(out);
    }
  } catch {
    // Invalid JSON from the model: fall through and clip it as text.
  }
  return raw.length > LONG_ARGUMENT_CHARS ? raw.slice(0, LONG_ARGUMENT_CHARS) : raw;
}

/**
 * Elides old tool outputs and oversized old tool-call arguments, oldest first, until the
 * conversation fits `maxConversationChars` (or nothing more may be elided). Mutates `messages` in
 * place; idempotent. Returns how many messages were changed.
 */
export function compactConversation(messages: LlmMessage[], limits: ContextWindowLimits): number {
  let total = conversationChars(messages);
  if (total <= limits.maxConversationChars) return 0;
  const toolIndexes = messages.flatMap((m, i) => (m.role === 'tool' ? [i] : []));
  const protectedFrom =
    toolIndexes.length > limits.keepRecentToolResults
      ? toolIndexes[toolIndexes.length - limits.keepRecentToolResults]!
      : 0;
  let changed = 0;
  for (let i = 0; i < protectedFrom && total > limits.maxConversationChars; i++) {
    const message = messages[i]!;
    const before = messageChars(message);
    if (message.role === 'tool' && !message.content.startsWith(ELIDED_PREFIX) && message.content.length > 200) {
      messages[i] = {
        ...message,
        content: `${ELIDED_PREFIX}: old tool output of ${message.content.length} characters removed to save context; call the tool again if you still need it]`,
      };
    } else if (message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0) {
      const calls = message.toolCalls!.map((c) => ({ ...c, arguments: shrinkArguments(c.arguments) }));
      messages[i] = { ...message, toolCalls: calls };
    } else {
      continue;
    }
    const after = messageChars(messages[i]!);
    if (after < before) {
      total -= before - after;
      changed++;
    }
  }
  return changed;
}
