import type { ChatCompletion } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { fromChatCompletion, toChatParams } from './chat-mapping.js';

describe('toChatParams', () => {
  it('maps messages, tools, json schema and limits', () => {
    const params = toChatParams('gpt-4.1', {
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'ticket' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a"}' }] },
        { role: 'tool', toolCallId: 'c1', content: '1: x' },
        { role: 'assistant', content: 'done' },
      ],
      tools: [{ name: 'read_file', description: 'Read', parameters: { type: 'object', properties: {} } }],
      jsonSchema: { name: 'plan', schema: { type: 'object' } },
      maxCompletionTokens: 500,
      temperature: 0,
    });
    expect(params).toEqual({
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'ticket' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '1: x' },
        { role: 'assistant', content: 'done' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'read_file', description: 'Read', parameters: { type: 'object', properties: {} } },
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'plan', strict: true, schema: { type: 'object' } } },
      max_completion_tokens: 500,
      temperature: 0,
    });
  });

  it('omits optional fields when not given', () => {
    expect(toChatParams('m', { messages: [{ role: 'user', content: 'hi' }] })).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });
});

describe('fromChatCompletion', () => {
  const base = { id: 'x', object: 'chat.completion', created: 0, model: 'm' } as const;

  it('maps content, function tool calls and usage', () => {
    const completion = {
      ...base,
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'finish', arguments: '{"summary":"s"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    } satisfies ChatCompletion;
    expect(fromChatCompletion(completion)).toEqual({
      content: null,
      toolCalls: [{ id: 'c1', name: 'finish', arguments: '{"summary":"s"}' }],
      finishReason: 'tool_calls',
      usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    });
  });

  it('reports zero usage when absent and fails without choices', () => {
    const completion = {
      ...base,
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content: 'hi', refusal: null },
        },
      ],
    } satisfies ChatCompletion;
    expect(fromChatCompletion(completion).usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(() => fromChatCompletion({ ...base, choices: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
  });
});
