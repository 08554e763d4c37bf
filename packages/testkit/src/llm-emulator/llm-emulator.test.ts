import OpenAI, { AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { afterEach, describe, expect, it } from 'vitest';
import { type LlmEmulator, startLlmEmulator } from './index.js';

const MODEL = 'gpt-4.1';

/** The agent tools of PRODUCT.md §6. */
function fn(name: string, properties: Record<string, unknown>, required: string[]): ChatCompletionTool {
  return {
    type: 'function',
    function: {
      name,
      description: name,
      parameters: { type: 'object', properties, required, additionalProperties: false },
    },
  };
}
const str = { type: 'string' };
const agentTools: ChatCompletionTool[] = [
  fn('list_files', { path: str }, []),
  fn('read_file', { path: str, start_line: { type: 'integer' }, end_line: { type: 'integer' } }, ['path']),
  fn('search_code', { query: str, path: str }, ['query']),
  fn('write_file', { path: str, content: str }, ['path', 'content']),
  fn('edit_file', { path: str, old_string: str, new_string: str }, ['path', 'old_string', 'new_string']),
  fn('delete_file', { path: str }, ['path']),
  fn('run_tests', {}, []),
  fn('finish', { summary: str }, ['summary']),
];

/** The plan schema of PRODUCT.md §4.3, strict-mode clean. */
const planSchema = {
  type: 'object',
  properties: {
    summary: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: str, details: str, files: { type: 'array', items: str } },
        required: ['title', 'details', 'files'],
        additionalProperties: false,
      },
    },
    test_strategy: { type: 'string' },
    risks: { type: 'array', items: str },
  },
  required: ['summary', 'steps', 'test_strategy', 'risks'],
  additionalProperties: false,
};

function planFormat(schema: Record<string, unknown> = planSchema) {
  return { type: 'json_schema' as const, json_schema: { name: 'plan', strict: true, schema } };
}

function agentPrompt(ticketKey: string): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: 'You are a coding agent. Use the tools.' },
    { role: 'user', content: `Ticket ${ticketKey}: fix the greeting.` },
  ];
}

let emulator: LlmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(
  options: Parameters<typeof startLlmEmulator>[0] = {},
): Promise<{ emu: LlmEmulator; client: OpenAI }> {
  const emu = await startLlmEmulator(options);
  emulator = emu;
  return { emu, client: new OpenAI({ baseURL: emu.baseURL, apiKey: emu.apiKey, maxRetries: 2 }) };
}

function functionCalls(calls: ChatCompletionMessageToolCall[] | undefined) {
  return (calls ?? []).flatMap((c) => (c.type === 'function' ? [c] : []));
}

/** Runs the agent loop the way the worker does: answer every tool call, stop at `finish`. */
async function runAgentLoop(client: OpenAI, messages: ChatCompletionMessageParam[], maxSteps = 10) {
  const calls: { name: string; arguments: string; id: string }[] = [];
  for (let step = 0; step < maxSteps; step++) {
    const completion = await client.chat.completions.create({ model: MODEL, messages, tools: agentTools });
    const message = completion.choices[0]?.message;
    if (!message) throw new Error('no choice');
    messages.push(message);
    const toolCalls = functionCalls(message.tool_calls);
    for (const call of toolCalls) {
      calls.push({ name: call.function.name, arguments: call.function.arguments, id: call.id });
      messages.push({ role: 'tool', tool_call_id: call.id, content: `result of ${call.function.name}` });
    }
    if (toolCalls.some((c) => c.function.name === 'finish')) break;
  }
  return calls;
}

describe('LLM emulator: auth and basics', () => {
  it('refuses a wrong API key with AuthenticationError in OpenAI error shape', async () => {
    const { emu } = await start({ apiKey: 'sk-test-right-key-123456' });
    const client = new OpenAI({ baseURL: emu.baseURL, apiKey: 'sk-wrong-key-abcdef123456', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.status).toBe(401);
    expect(auth.code).toBe('invalid_api_key');
    expect(auth.type).toBe('invalid_request_error');
    expect(auth.message).not.toContain('sk-wrong-key-abcdef123456');

    const raw = await fetch(`${emu.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      error: {
        message: expect.stringContaining("didn't provide an API key"),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect(emu.chatRequests).toHaveLength(0);
  });

  it('lists models and answers plain prompts with usage', async () => {
    const { client, emu } = await start();
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4.1');

    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Say hello about KHI-1 '.repeat(10) }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content).toBe('Emulated answer for KHI-1.');
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThanOrEqual(50);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    // Secret hygiene: tests can search what was sent.
    expect(emu.requests.filter('POST', '/v1/chat/completions')[0]?.body).toContain('Say hello about KHI-1');
    expect(emu.chatRequests[0]?.messages[0]).toEqual({ role: 'user', content: 'Say hello about KHI-1 '.repeat(10) });
  });

  it('rejects malformed requests like OpenAI does', async () => {
    const { client } = await start();
    const bad = (body: Record<string, unknown>) =>
      client.chat.completions
        .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);

    const noMessages = await bad({ model: MODEL });
    expect(noMessages).toBeInstanceOf(BadRequestError);
    expect((noMessages as BadRequestError).message).toContain("Missing required parameter: 'messages'.");
    expect((noMessages as BadRequestError).param).toBe('messages');

    const noModel = await bad({ messages: [{ role: 'user', content: 'x' }] });
    expect((noModel as BadRequestError).message).toContain('you must provide a model parameter');

    const role = await bad({ model: MODEL, messages: [{ role: 'robot', content: 'x' }] });
    expect((role as BadRequestError).message).toContain("Invalid value: 'robot'. Supported values are");
    expect((role as BadRequestError).param).toBe('messages[0].role');

    const tool = await bad({ model: MODEL, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] });
    expect((tool as BadRequestError).message).toContain("Missing required parameter: 'tools[0].function'.");

    const toolType = await bad({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'retrieval', function: { name: 'x' } }],
    });
    expect((toolType as BadRequestError).param).toBe('tools[0].type');

    const unknown = await bad({ model: MODEL, messages: [{ role: 'user', content: 'x' }], temprature: 1 });
    expect((unknown as BadRequestError).message).toContain('Unrecognized request argument supplied: temprature');

    const jsonMode = await bad({
      model: MODEL,
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_object' },
    });
    expect((jsonMode as BadRequestError).message).toContain("must contain the word 'json'");
  });
});

describe('LLM emulator: tool message ordering', () => {
  it('answers 400 when a tool call has no tool response', async () => {
    const { client } = await start();
    const error = await client.chat.completions
      .create({
        model: MODEL,
        tools: agentTools,
        messages: [
          ...agentPrompt('KHI-2'),
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'list_files', arguments: '{}' } },
              { id: 'call_2', type: 'function', function: { name: 'run_tests', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_2', content: 'ok' },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain(
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_1",
    );
    expect((error as BadRequestError).param).toBe('messages.[2].role');
  });

  it('answers 400 for a tool message without a preceding tool call', async () => {
    const { client } = await start();
    const error = await client.chat.completions
      .create({
        model: MODEL,
        messages: [...agentPrompt('KHI-3'), { role: 'tool', tool_call_id: 'call_9', content: 'orphan' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain(
      "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'",
    );
  });
});

describe('LLM emulator: structured outputs', () => {
  it('answers a strict json_schema with a deterministic generated plan', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Plan the ticket.' },
        { role: 'user', content: '<ticket>KHI-7: add a flag</ticket>' },
      ],
      response_format: planFormat(),
    });
    const plan = JSON.parse(completion.choices[0]?.message.content ?? 'null');
    expect(plan).toEqual({
      summary: 'summary for KHI-7',
      steps: [{ title: 'title for KHI-7', details: 'details for KHI-7', files: ['files for KHI-7'] }],
      test_strategy: 'test_strategy for KHI-7',
      risks: ['risks for KHI-7'],
    });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(10);
  });

  it('answers the structured value registered for the ticket', async () => {
    const { client, emu } = await start();
    const registered = {
      summary: 'Rename greet() to hello()',
      steps: [{ title: 'Rename', details: 'Rename the function', files: ['src/greet.ts'] }],
      test_strategy: 'Run unit tests',
      risks: [],
    };
    emu.setStructuredAnswer('KHI-8', registered);
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Plan ticket KHI-8 please' }],
      response_format: planFormat(),
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? 'null')).toEqual(registered);
  });

  it('fails loudly (500, not retried) when the registered value does not match the schema', async () => {
    const { client, emu } = await start();
    emu.setStructuredAnswer('KHI-8', { summary: 'no steps' });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'KHI-8' }], response_format: planFormat() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).message).toContain(
      "scenario bug: structured answer registered for KHI-8 does not match response_format 'plan'",
    );
    expect((error as InternalServerError).message).toContain("missing required property 'steps'");
    expect(emu.requests.filter('POST', '/v1/chat/completions')).toHaveLength(1);
    expect(emu.scenarioBugs).toHaveLength(1);
  });

  it('rejects schemas that break strict-mode rules with BadRequestError', async () => {
    const { client } = await start();
    const ask = (schema: Record<string, unknown>) =>
      client.chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: 'KHI-9' }], response_format: planFormat(schema) })
        .then(
          () => 'accepted',
          (e: unknown) => (e instanceof BadRequestError ? e.message : String(e)),
        );

    const { additionalProperties: _, ...noAdditional } = planSchema;
    expect(await ask(noAdditional)).toContain(
      "Invalid schema for response_format 'plan': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    );

    const stepsItems = planSchema.properties.steps.items;
    const missingRequired = {
      ...planSchema,
      properties: {
        ...planSchema.properties,
        steps: { type: 'array', items: { ...stepsItems, required: ['title', 'details'] } },
      },
    };
    expect(await ask(missingRequired)).toContain(
      "In context=('properties', 'steps', 'items'), 'required' is required to be supplied and to be an array including every key in properties. Missing 'files'.",
    );

    const withDefault = {
      ...planSchema,
      properties: { ...planSchema.properties, summary: { type: 'string', default: 'x' } },
    };
    expect(await ask(withDefault)).toContain("In context=('properties', 'summary'), 'default' is not permitted.");

    const withAllOf = { ...planSchema, allOf: [{ type: 'object' }] };
    expect(await ask(withAllOf)).toContain("'allOf' is not permitted.");

    const badFormat = {
      ...planSchema,
      properties: { ...planSchema.properties, summary: { type: 'string', format: 'uri' } },
    };
    expect(await ask(badFormat)).toContain("'uri' is not a valid format.");

    expect(await ask({ type: 'array', items: str })).toContain(`schema must be a JSON Schema of 'type: "object"'`);
    expect(await ask(planSchema)).toBe('accepted');
  });

  it('answers json_object mode with a JSON object', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Reply in JSON about KHI-4' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? 'null')).toEqual({ result: 'result for KHI-4' });
  });
});

describe('LLM emulator: scenarios', () => {
  it('plays scripted tool calls that round-trip through tool messages, then finishes', async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-10', [
      { toolCalls: [{ name: 'read_file', arguments: { path: 'src/greet.ts' } }] },
      {
        content: 'Editing and testing.',
        toolCalls: [
          { name: 'edit_file', arguments: { path: 'src/greet.ts', old_string: 'hi', new_string: 'hello' } },
          { name: 'run_tests', arguments: {} },
        ],
        usage: { promptTokens: 1000, completionTokens: 50 },
      },
      (_request, history) => ({
        toolCalls: [
          {
            name: 'finish',
            arguments: {
              summary: `done after ${history.lastToolResults.map((r) => `${r.name}=${r.content}`).join(', ')}`,
            },
          },
        ],
      }),
    ]);
    const messages = agentPrompt('KHI-10');
    const calls = await runAgentLoop(client, messages);
    expect(calls.map((c) => c.name)).toEqual(['read_file', 'edit_file', 'run_tests', 'finish']);
    expect(JSON.parse(calls[0]?.arguments ?? '{}')).toEqual({ path: 'src/greet.ts' });
    expect(JSON.parse(calls[3]?.arguments ?? '{}')).toEqual({
      summary: 'done after edit_file=result of edit_file, run_tests=result of run_tests',
    });
    expect(emu.chatRequests.map((r) => r.stepIndex)).toEqual([0, 1, 2]);
    expect(emu.chatRequests.every((r) => r.ticketKey === 'KHI-10')).toBe(true);

    // The scripted usage override is reported as given.
    const second = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: messages.slice(0, 4),
    });
    expect(second.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 });
    expect(second.choices[0]?.message.content).toBe('Editing and testing.');
    expect(second.choices[0]?.finish_reason).toBe('tool_calls');

    // Past the last step the model calls finish.
    const after = await client.chat.completions.create({ model: MODEL, tools: agentTools, messages });
    const finish = functionCalls(after.choices[0]?.message.tool_calls)[0];
    expect(finish?.function.name).toBe('finish');
    expect(JSON.parse(finish?.function.arguments ?? '{}')).toEqual({ summary: 'scenario for KHI-10 complete' });
    expect(emu.scenarioBugs).toEqual([]);
  });

  it('gives a restarted loop the same answers (same history, same step)', async () => {
    const steps = [
      { toolCalls: [{ name: 'list_files', arguments: {} }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'A' } }] },
    ];
    const first = await start();
    first.emu.addScenario('KHI-11', steps);
    const firstRun = await runAgentLoop(first.client, agentPrompt('KHI-11'));
    const restarted = await runAgentLoop(first.client, agentPrompt('KHI-11'));
    expect(restarted).toEqual(firstRun);
    await first.emu.close();

    // Another emulator process with the same scenario answers identically, ids included.
    const second = await start();
    second.emu.addScenario('KHI-11', steps);
    expect(await runAgentLoop(second.client, agentPrompt('KHI-11'))).toEqual(firstRun);
    expect(firstRun.map((c) => c.name)).toEqual(['list_files', 'write_file', 'finish']);
  });

  it('calls finish with "nothing to do" when the ticket has no scenario', async () => {
    const { client } = await start();
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: agentPrompt('KHI-404'),
    });
    const call = functionCalls(completion.choices[0]?.message.tool_calls)[0];
    expect(call?.function.name).toBe('finish');
    expect(JSON.parse(call?.function.arguments ?? '{}')).toEqual({ summary: 'nothing to do' });
  });

  it('answers 500 "scenario bug" (not retried) for a tool the request does not offer', async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-12', [{ toolCalls: [{ name: 'deploy', arguments: {} }] }]);
    const error = await client.chat.completions
      .create({ model: MODEL, tools: agentTools, messages: agentPrompt('KHI-12') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).message).toContain(
      "scenario bug: scenario KHI-12 step 0 calls tool 'deploy', which the request does not offer",
    );
    expect(emu.requests.filter('POST', '/v1/chat/completions')).toHaveLength(1);
  });

  it('matches ticket keys exactly (KHI-1 is not KHI-13)', async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-1', [{ content: 'wrong ticket' }]);
    emu.addScenario('KHI-13', [{ content: 'right ticket' }]);
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: agentPrompt('KHI-13'),
    });
    expect(completion.choices[0]?.message.content).toBe('right ticket');
  });
});

describe('LLM emulator: streaming', () => {
  it('streams tool-call deltas, a finish reason, a usage chunk and [DONE]', async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-20', [
      {
        content: 'Looking around first.',
        toolCalls: [
          { name: 'search_code', arguments: { query: 'function greet\\(', path: 'src' } },
          { name: 'read_file', arguments: { path: 'src/greet.ts', start_line: 1, end_line: 40 } },
        ],
      },
    ]);
    const stream = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: agentPrompt('KHI-20'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
    const content = deltas.map((d) => d.content ?? '').join('');
    const args = ['', ''];
    const names: string[] = [];
    for (const d of deltas) {
      for (const t of d.tool_calls ?? []) {
        if (t.function?.name) names[t.index] = t.function.name;
        args[t.index] += t.function?.arguments ?? '';
      }
    }
    expect(content).toBe('Looking around first.');
    expect(names).toEqual(['search_code', 'read_file']);
    expect(JSON.parse(args[0] ?? '')).toEqual({ query: 'function greet\\(', path: 'src' });
    expect(JSON.parse(args[1] ?? '')).toEqual({ path: 'src/greet.ts', start_line: 1, end_line: 40 });
    expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'tool_calls')).toHaveLength(1);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(last?.usage?.total_tokens).toBe((last?.usage?.prompt_tokens ?? 0) + (last?.usage?.completion_tokens ?? 0));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    const raw = await fetch(`${emu.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: agentPrompt('KHI-20'), tools: agentTools, stream: true }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    const text = await raw.text();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('"usage"');
  });

  it("is accepted by the SDK's stream accumulator", async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-21', [{ toolCalls: [{ name: 'delete_file', arguments: { path: 'old.txt' } }] }]);
    const runner = client.chat.completions.stream({ model: MODEL, tools: agentTools, messages: agentPrompt('KHI-21') });
    const final = await runner.finalChatCompletion();
    const call = functionCalls(final.choices[0]?.message.tool_calls)[0];
    expect(call?.function).toEqual({ name: 'delete_file', arguments: '{"path":"old.txt"}' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('refuses stream_options without stream', async () => {
    const { client } = await start();
    const error = await client.chat.completions
      .create({ model: MODEL, messages: agentPrompt('KHI-22'), stream_options: { include_usage: true } })
      .catch((e: unknown) => e);
    expect((error as BadRequestError).message).toContain(
      "'stream_options' parameter is only allowed when 'stream' is enabled",
    );
  });
});

describe('LLM emulator: faults', () => {
  it('recovers through the client retry after an injected 500', async () => {
    const { client, emu } = await start();
    emu.faults.add({ method: 'POST', path: '/v1/chat/completions', status: 500, times: 1 });
    const completion = await client.chat.completions.create({ model: MODEL, messages: agentPrompt('KHI-30') });
    expect(completion.choices[0]?.message.content).toBe('Emulated answer for KHI-30.');
    expect(emu.requests.filter('POST', '/v1/chat/completions')).toHaveLength(2);
    expect(emu.faults.injected).toEqual([{ method: 'POST', path: '/v1/chat/completions', status: 500 }]);
  });

  it('answers 429 with retry-after and x-ratelimit headers', async () => {
    const { emu } = await start();
    emu.faults.add({ path: '/v1/chat/completions', status: 429, retryAfterSeconds: 7, times: 1 });
    const client = new OpenAI({ baseURL: emu.baseURL, apiKey: emu.apiKey, maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: MODEL, messages: agentPrompt('KHI-31') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimited = error as RateLimitError;
    expect(rateLimited.code).toBe('rate_limit_exceeded');
    expect(rateLimited.headers.get('retry-after')).toBe('7');
    expect(rateLimited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(rateLimited.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
    expect(rateLimited.requestID).toMatch(/^req_/);
  });

  it('fails a call with a scripted error step, then answers the same history', async () => {
    const { client, emu } = await start();
    emu.addScenario('KHI-32', [
      { error: { status: 429, retryAfterSeconds: 0 } },
      { toolCalls: [{ name: 'run_tests', arguments: {} }] },
    ]);
    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: agentPrompt('KHI-32'),
    });
    expect(functionCalls(completion.choices[0]?.message.tool_calls)[0]?.function.name).toBe('run_tests');
    expect(emu.requests.filter('POST', '/v1/chat/completions')).toHaveLength(2);
    expect(emu.chatRequests.map((r) => r.stepIndex)).toEqual([0, 0]);
  });
});

describe('LLM emulator: control API', () => {
  it('adds scenarios and structured answers and shows requests over HTTP', async () => {
    const { client, emu } = await start();
    const post = (path: string, body: unknown) =>
      fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect(
      (
        await post('scenarios', {
          ticketKey: 'KHI-40',
          steps: [{ toolCalls: [{ name: 'list_files', arguments: {} }] }],
        })
      ).status,
    ).toBe(201);
    expect((await post('scenarios', { ticketKey: 'KHI-40', steps: [{ toolCalls: 'nope' }] })).status).toBe(400);
    expect((await post('structured-answers', { ticketKey: 'KHI-41', value: { a: 1 } })).status).toBe(201);

    const completion = await client.chat.completions.create({
      model: MODEL,
      tools: agentTools,
      messages: agentPrompt('KHI-40'),
    });
    expect(functionCalls(completion.choices[0]?.message.tool_calls)[0]?.function.name).toBe('list_files');

    const seen = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as {
      chatRequests: { ticketKey: string }[];
    };
    expect(seen.chatRequests.map((r) => r.ticketKey)).toEqual(['KHI-40']);

    expect((await post('reset', {})).status).toBe(204);
    expect(emu.chatRequests).toHaveLength(0);
  });
});
