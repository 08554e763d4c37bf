import type { LlmMessage } from '@khitomer/integrations';
import { describe, expect, it } from 'vitest';
import { boundAnswer, clipToolResult, compactConversation, conversationChars } from './context-window.js';

function conversation(rounds: number, outputChars: number): LlmMessage[] {
  const messages: LlmMessage[] = [
    { role: 'system', content: 'rules' },
    { role: 'user', content: 'ticket' },
  ];
  for (let i = 0; i < rounds; i++) {
    messages.push({
      role: 'assistant',
      content: null,
      toolCalls: [
        {
          id: `c${i}`,
          name: 'write_file',
          arguments: JSON.stringify({ path: `f${i}.ts`, content: 'y'.repeat(outputChars) }),
        },
      ],
    });
    messages.push({ role: 'tool', toolCallId: `c${i}`, content: `${i}:${'x'.repeat(outputChars)}` });
  }
  return messages;
}

describe('clipToolResult', () => {
  it('keeps short results and clips long ones with a notice', () => {
    expect(clipToolResult('short', 10)).toBe('short');
    expect(clipToolResult('x'.repeat(25), 10)).toBe(
      `${'x'.repeat(10)}\n[tool output truncated: 15 more characters not shown]`,
    );
  });
});

describe('compactConversation', () => {
  const limits = { toolResultMaxChars: 100_000, maxConversationChars: 30_000, keepRecentToolResults: 2 };

  it('does nothing under the budget', () => {
    const messages = conversation(2, 1000);
    const before = structuredClone(messages);
    expect(compactConversation(messages, limits)).toBe(0);
    expect(messages).toEqual(before);
  });

  it('elides old outputs and large old arguments, oldest first, keeping every message and the recent results', () => {
    const messages = conversation(10, 5000);
    expect(conversationChars(messages)).toBeGreaterThan(100_000);
    compactConversation(messages, limits);
    expect(messages).toHaveLength(22);
    expect(conversationChars(messages)).toBeLessThanOrEqual(30_000);
    const tools = messages.filter((m) => m.role === 'tool');
    expect(tools[0]!.content).toMatch(/^\[elided/);
    expect(tools.at(-1)!.content.startsWith('9:')).toBe(true);
    expect(tools.at(-2)!.content.startsWith('8:')).toBe(true);
    const firstCall = messages[2]!;
    if (firstCall.role !== 'assistant') throw new Error('expected assistant');
    expect(JSON.parse(firstCall.toolCalls![0]!.arguments)).toEqual({
      path: 'f0.ts',
      content: '[elided: 5000 characters]',
    });
    expect(firstCall.toolCalls![0]!.id).toBe('c0');
  });

  it('is idempotent', () => {
    const messages = conversation(10, 5000);
    compactConversation(messages, limits);
    const once = structuredClone(messages);
    compactConversation(messages, limits);
    expect(messages).toEqual(once);
  });
});

describe('boundAnswer', () => {
  it('keeps answers within the limit as they are', () => {
    const calls = [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.js"}' }];
    expect(boundAnswer('short', calls, 100)).toEqual({ content: 'short', toolCalls: calls });
  });

  it('clips long text and elides the long strings of oversized arguments, keeping valid JSON', () => {
    const huge = JSON.stringify({ path: 'big.js', content: 'x'.repeat(5_000) });
    const kept = boundAnswer('y'.repeat(5_000), [{ id: 'c1', name: 'write_file', arguments: huge }], 1_000);
    expect(kept.content).toHaveLength(1_000 + '\n[answer truncated: 4000 more characters not kept]'.length);
    expect(kept.content).toContain('[answer truncated: 4000 more characters not kept]');
    expect(JSON.parse(kept.toolCalls[0]!.arguments)).toEqual({ path: 'big.js', content: '[elided: 5000 characters]' });
    expect(kept.toolCalls[0]).toMatchObject({ id: 'c1', name: 'write_file' });
  });

  it('replaces oversized arguments that have no long string to elide', () => {
    const nested = JSON.stringify({ lines: Array.from({ length: 500 }, (_, i) => `line ${i}`) });
    const kept = boundAnswer(null, [{ id: 'c1', name: 'write_file', arguments: nested }], 1_000);
    expect(kept.content).toBeNull();
    expect(JSON.parse(kept.toolCalls[0]!.arguments)).toEqual({
      elided: `${nested.length} characters of arguments not kept`,
    });
  });
});
