import { getEventListeners } from 'node:events';
import { type LlmEmulator, startLlmEmulator } from '@khitomer/testkit/llm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IntegrationError } from '../errors.js';
import type { LlmClient, LlmToolDefinition } from '../llm-client.js';
import { createOpenAiLlmClient } from './openai-llm-client.js';

let emulator: LlmEmulator;
let llm: LlmClient;

const tools: LlmToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a file',
    parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  },
  {
    name: 'finish',
    description: 'Finish',
    parameters: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
  },
];

const planSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'steps', 'test_strategy', 'risks'],
  properties: {
    summary: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'details', 'files'],
        properties: {
          title: { type: 'string' },
          details: { type: 'string' },
          files: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    test_strategy: { type: 'string' },
    risks: { type: 'array', items: { type: 'string' } },
  },
};

async function rejection(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (err) {
    return err as IntegrationError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  emulator = await startLlmEmulator();
});

beforeEach(() => {
  emulator.reset();
  llm = createOpenAiLlmClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseURL, model: 'gpt-4.1', maxRetries: 0 });
});

afterAll(async () => {
  await emulator?.close();
});

describe('LlmClient over openai (LLM emulator)', () => {
  it('runs a tool-calling exchange and reports usage', async () => {
    emulator.addScenario('CALC-1', [
      { toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] },
    ]);
    const messages = [
      { role: 'system' as const, content: 'You are a coding agent.' },
      { role: 'user' as const, content: 'Ticket CALC-1: add subtract' },
    ];
    const first = await llm.chat({ messages, tools });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toHaveLength(1);
    const call = first.toolCalls[0]!;
    expect(call.name).toBe('read_file');
    expect(JSON.parse(call.arguments)).toEqual({ path: 'README.md' });
    expect(first.usage.totalTokens).toBeGreaterThan(0);
    expect(first.usage.totalTokens).toBe(first.usage.promptTokens + first.usage.completionTokens);

    const second = await llm.chat({
      messages: [
        ...messages,
        { role: 'assistant', content: first.content, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: call.id, content: '1: # calculator' },
      ],
      tools,
    });
    expect(second.toolCalls.map((c) => c.name)).toEqual(['finish']);

    const [req1, req2] = emulator.chatRequests;
    expect(req1?.model).toBe('gpt-4.1');
    expect(req1?.tools.map((t) => t.name)).toEqual(['read_file', 'finish']);
    expect(req2?.messages.at(-1)).toEqual({ role: 'tool', toolCallId: call.id, content: '1: # calculator' });
  });

  it('asks for strict json_schema output and returns the JSON text', async () => {
    const plan = {
      summary: 'Add subtract',
      steps: [{ title: 'Implement', details: 'Add a function', files: ['src/calc.js'] }],
      test_strategy: 'unit tests',
      risks: [],
    };
    emulator.setStructuredAnswer('CALC-2', plan);
    const response = await llm.chat({
      messages: [{ role: 'user', content: 'Plan CALC-2' }],
      jsonSchema: { name: 'implementation_plan', schema: planSchema },
    });
    expect(JSON.parse(response.content ?? '')).toEqual(plan);
    expect(emulator.chatRequests[0]?.responseFormat).toEqual({
      type: 'json_schema',
      name: 'implementation_plan',
      schema: planSchema,
      strict: true,
    });
  });

  it('maps 429 to rate_limited with retryAfterMs, 5xx to unavailable, 400 to bad_input', async () => {
    emulator.faults.add({ path: '/v1/chat/completions', status: 429, retryAfterSeconds: 2, times: 1 });
    expect(await rejection(llm.chat({ messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
      system: 'llm',
    });
    emulator.faults.add({ path: '/v1/chat/completions', status: 503, times: 1 });
    expect((await rejection(llm.chat({ messages: [{ role: 'user', content: 'x' }] }))).code).toBe('unavailable');
    emulator.faults.add({ path: '/v1/chat/completions', status: 400, times: 1 });
    expect(await rejection(llm.chat({ messages: [{ role: 'user', content: 'x' }] }))).toMatchObject({
      code: 'bad_input',
      retryable: false,
    });
  });

  it('lets the SDK retry a 429 after its Retry-After', async () => {
    const retrying = createOpenAiLlmClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.baseURL,
      model: 'm',
      maxRetries: 1,
    });
    emulator.faults.add({ path: '/v1/chat/completions', status: 429, retryAfterSeconds: 1, times: 1 });
    const response = await retrying.chat({ messages: [{ role: 'user', content: 'hello' }] });
    expect(response.finishReason).toBe('stop');
    expect(emulator.requests.filter('POST', '/v1/chat/completions')).toHaveLength(2);
  });

  it('maps a wrong key, an unreachable server and cancellation', async () => {
    const wrongKey = 'sk-wrong-key-0000000000';
    const wrong = createOpenAiLlmClient({ apiKey: wrongKey, baseUrl: emulator.baseURL, model: 'm', maxRetries: 0 });
    const err = await rejection(wrong.chat({ messages: [{ role: 'user', content: 'x' }] }));
    expect(err).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(err.message).not.toContain(wrongKey);

    const offline = createOpenAiLlmClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', maxRetries: 0 });
    expect((await rejection(offline.chat({ messages: [{ role: 'user', content: 'x' }] }))).code).toBe('network');

    emulator.faults.add({ path: '/v1/chat/completions', hang: true, times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await rejection(
      llm.chat({ messages: [{ role: 'user', content: 'x' }], signal: controller.signal }),
    );
    expect(aborted).toMatchObject({ code: 'aborted', retryable: false });
  });

  it('leaves no abort listener on a long-lived signal after many calls', async () => {
    const loop = new AbortController();
    const baseline = getEventListeners(loop.signal, 'abort').length;
    for (let i = 0; i < 30; i++) {
      emulator.setStructuredAnswer(`CALC-L${i}`, { summary: 's', steps: [], test_strategy: 't', risks: [] });
      await llm.chat({
        messages: [{ role: 'user', content: `Plan CALC-L${i}` }],
        jsonSchema: { name: 'implementation_plan', schema: planSchema },
        signal: loop.signal,
      });
    }
    expect(getEventListeners(loop.signal, 'abort')).toHaveLength(baseline);
  });
});
