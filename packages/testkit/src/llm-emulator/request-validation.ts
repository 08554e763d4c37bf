import { isPlainObject } from './json-schema.js';
import { invalidRequest, type OpenAiApiError } from './openai-error.js';
import { checkStrictSchema } from './strict-schema.js';
import type { ChatMessage, ChatRequest, ChatResponseFormat, ChatToolCall, ChatToolDefinition } from './types.js';

/**
 * Validation of `POST /v1/chat/completions` bodies, rejecting what the API rejects with its wording
 * (request fields from https://platform.openai.com/docs/api-reference/chat/create; tool-message
 * ordering errors as reported in https://github.com/agno-agi/agno/issues/3105 and
 * https://github.com/BerriAI/litellm/issues/10083).
 */

/** A validated request before the emulator has matched it to a ticket. */
export type ParsedChatRequest = Omit<ChatRequest, 'ticketKey' | 'stepIndex' | 'at'>;

/** Request fields of Chat Completions; anything else is "Unrecognized request argument". */
const KNOWN_FIELDS = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);
const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  return typeof value;
}

function invalidType(param: string, expected: string, value: unknown): OpenAiApiError {
  return invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value) === 'null' ? 'null' : `a ${typeName(value)}`} instead.`,
    param,
    'invalid_type',
  );
}

function missing(param: string): OpenAiApiError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function checkName(value: unknown, param: string): string {
  if (value === undefined) throw missing(param);
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  if (value.length > 64) {
    throw invalidRequest(
      `Invalid '${param}': string too long. Expected a string with maximum length 64, but got a string with length ${value.length} instead.`,
      param,
      'string_above_max_length',
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw invalidRequest(
      `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
      param,
      'invalid_value',
    );
  }
  return value;
}

/** Joins text content parts; other part types (images, audio) contribute nothing. */
function contentText(value: unknown, param: string): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidType(param, 'one of a string or array of objects', value);
  return value
    .map((part, i) => {
      if (!isPlainObject(part)) throw invalidType(`${param}[${i}]`, 'an object', part);
      if (part.type === undefined) throw missing(`${param}[${i}].type`);
      if (part.type !== 'text') return '';
      if (typeof part.text !== 'string') throw invalidType(`${param}[${i}].text`, 'a string', part.text);
      return part.text;
    })
    .join('');
}

function parseToolCalls(value: unknown, param: string): ChatToolCall[] {
  if (!Array.isArray(value)) throw invalidType(param, 'an array of objects', value);
  return value.map((call, i) => {
    const at = `${param}[${i}]`;
    if (!isPlainObject(call)) throw invalidType(at, 'an object', call);
    if (call.id === undefined) throw missing(`${at}.id`);
    if (typeof call.id !== 'string') throw invalidType(`${at}.id`, 'a string', call.id);
    if (call.type === undefined) throw missing(`${at}.type`);
    if (call.type !== 'function') {
      throw invalidRequest(
        `Invalid value: '${String(call.type)}'. Supported values are: 'function' and 'custom'.`,
        `${at}.type`,
        'invalid_value',
      );
    }
    if (!isPlainObject(call.function)) throw missing(`${at}.function`);
    const name = checkName(call.function.name, `${at}.function.name`);
    if (call.function.arguments === undefined) throw missing(`${at}.function.arguments`);
    if (typeof call.function.arguments !== 'string') {
      throw invalidType(`${at}.function.arguments`, 'a string', call.function.arguments);
    }
    return { id: call.id, name, arguments: call.function.arguments };
  });
}

function parseMessage(raw: unknown, i: number): ChatMessage {
  const param = `messages[${i}]`;
  if (!isPlainObject(raw)) throw invalidType(param, 'an object', raw);
  if (raw.role === undefined) throw missing(`${param}.role`);
  const { role } = raw;
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw invalidRequest(
      `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `${param}.role`,
      'invalid_value',
    );
  }
  switch (role) {
    case 'system':
    case 'developer':
    case 'user':
      if (raw.content === undefined) throw missing(`${param}.content`);
      return { role, content: contentText(raw.content, `${param}.content`) };
    case 'assistant': {
      const toolCalls =
        raw.tool_calls === undefined || raw.tool_calls === null
          ? []
          : parseToolCalls(raw.tool_calls, `${param}.tool_calls`);
      const content =
        raw.content === undefined || raw.content === null ? null : contentText(raw.content, `${param}.content`);
      if (content === null && toolCalls.length === 0) {
        throw invalidRequest("Invalid value for 'content': expected a string, got null.", `messages.[${i}].content`);
      }
      return { role, content, toolCalls };
    }
    case 'tool':
      if (raw.tool_call_id === undefined) throw missing(`${param}.tool_call_id`);
      if (typeof raw.tool_call_id !== 'string')
        throw invalidType(`${param}.tool_call_id`, 'a string', raw.tool_call_id);
      if (raw.content === undefined) throw missing(`${param}.content`);
      return { role, toolCallId: raw.tool_call_id, content: contentText(raw.content, `${param}.content`) };
    default:
      // 'function' is deprecated by the API and never sent by Khitomer.
      throw invalidRequest(
        "Invalid value: 'function'. The emulator does not support the deprecated 'function' role; use 'tool'.",
        `${param}.role`,
        'invalid_value',
      );
  }
}

/** Every assistant `tool_calls` answered by the tool messages right after it, and nothing else. */
function checkToolMessageOrder(messages: ChatMessage[]): void {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (message?.role === 'tool') {
      let j = i - 1;
      while (j >= 0 && messages[j]?.role === 'tool') j--;
      const owner = messages[j];
      if (owner?.role !== 'assistant' || owner.toolCalls.length === 0) {
        throw invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      if (!owner.toolCalls.some((call) => call.id === message.toolCallId)) {
        throw invalidRequest(
          `Invalid parameter: 'tool_call_id' of '${message.toolCallId}' not found in 'tool_calls' of previous message.`,
          `messages.[${i}].tool_call_id`,
        );
      }
    }
    if (message?.role === 'assistant' && message.toolCalls.length > 0) {
      const answered = new Set<string>();
      for (let j = i + 1; j < messages.length; j++) {
        const next = messages[j];
        if (next?.role !== 'tool') break;
        answered.add(next.toolCallId);
      }
      const unanswered = message.toolCalls.filter((call) => !answered.has(call.id)).map((call) => call.id);
      if (unanswered.length > 0) {
        throw invalidRequest(
          `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${unanswered.join(', ')}`,
          `messages.[${i}].role`,
        );
      }
    }
  }
}

function parseTools(value: unknown): ChatToolDefinition[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidType('tools', 'an array of objects', value);
  if (value.length === 0) {
    throw invalidRequest(
      "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'tools',
      'empty_array',
    );
  }
  return value.map((tool, i) => {
    const param = `tools[${i}]`;
    if (!isPlainObject(tool)) throw invalidType(param, 'an object', tool);
    if (tool.type === undefined) throw missing(`${param}.type`);
    if (tool.type !== 'function') {
      throw invalidRequest(
        `Invalid value: '${String(tool.type)}'. Supported values are: 'function' and 'custom'.`,
        `${param}.type`,
        'invalid_value',
      );
    }
    if (tool.function === undefined) throw missing(`${param}.function`);
    if (!isPlainObject(tool.function)) throw invalidType(`${param}.function`, 'an object', tool.function);
    const fn = tool.function;
    const name = checkName(fn.name, `${param}.function.name`);
    if (fn.description !== undefined && typeof fn.description !== 'string') {
      throw invalidType(`${param}.function.description`, 'a string', fn.description);
    }
    // `parameters` is optional in the API ("omitting parameters defines a function with an empty
    // parameter list"), but must be an object when given.
    if (fn.parameters !== undefined && !isPlainObject(fn.parameters)) {
      throw invalidType(`${param}.function.parameters`, 'an object', fn.parameters);
    }
    const strict = fn.strict === true;
    if (strict && fn.parameters !== undefined) {
      const problem = checkStrictSchema(fn.parameters, {
        kind: 'function',
        name,
        param: `${param}.function.parameters`,
      });
      if (problem) throw problem;
    }
    return {
      name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      ...(isPlainObject(fn.parameters) ? { parameters: fn.parameters } : {}),
      strict,
    };
  });
}

function parseToolChoice(value: unknown, tools: ChatToolDefinition[]): ChatRequest['toolChoice'] {
  if (value === undefined || value === null) return 'auto';
  if (tools.length === 0) {
    throw invalidRequest(
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'tool_choice',
    );
  }
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (typeof value === 'string') {
    throw invalidRequest(
      `Invalid value: '${value}'. Supported values are: 'none', 'auto', and 'required'.`,
      'tool_choice',
      'invalid_value',
    );
  }
  if (!isPlainObject(value) || value.type !== 'function' || !isPlainObject(value.function)) {
    throw invalidType('tool_choice', "one of 'none', 'auto', 'required' or a function object", value);
  }
  const name = checkName(value.function.name, 'tool_choice.function.name');
  if (!tools.some((tool) => tool.name === name)) {
    throw invalidRequest(`Invalid value for 'tool_choice': tool '${name}' not found in 'tools'.`, 'tool_choice');
  }
  return { name };
}

function parseResponseFormat(value: unknown, messages: ChatMessage[]): ChatResponseFormat {
  if (value === undefined || value === null) return { type: 'text' };
  if (!isPlainObject(value)) throw invalidType('response_format', 'an object', value);
  if (value.type === undefined) throw missing('response_format.type');
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') {
    // JSON mode requires the word JSON somewhere in the conversation
    // (https://platform.openai.com/docs/guides/structured-outputs#json-mode).
    const mentionsJson = messages.some(
      (m) => m.role !== 'assistant' && m.role !== 'tool' && m.content.toLowerCase().includes('json'),
    );
    if (!mentionsJson) {
      throw invalidRequest(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
    }
    return { type: 'json_object' };
  }
  if (value.type !== 'json_schema') {
    throw invalidRequest(
      `Invalid value: '${String(value.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
      'response_format.type',
      'invalid_value',
    );
  }
  const spec = value.json_schema;
  if (spec === undefined) throw missing('response_format.json_schema');
  if (!isPlainObject(spec)) throw invalidType('response_format.json_schema', 'an object', spec);
  const name = checkName(spec.name, 'response_format.json_schema.name');
  const strict = spec.strict === true;
  const schema = spec.schema ?? {};
  if (!isPlainObject(schema)) throw invalidType('response_format.json_schema.schema', 'an object', schema);
  if (strict) {
    const problem = checkStrictSchema(schema, { kind: 'response_format', name, param: 'response_format' });
    if (problem) throw problem;
  }
  return { type: 'json_schema', name, schema, strict };
}

/**
 * Validates a decoded request body. Throws {@link OpenAiApiError} (400) exactly where the API
 * would refuse the request; returns the normalised request otherwise. Pure.
 */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (!isPlainObject(body)) throw invalidType('body', 'an object', body);
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) throw invalidRequest(`Unrecognized request argument supplied: ${key}`);
  }
  if (body.model === undefined || body.model === null || body.model === '') {
    throw invalidRequest('you must provide a model parameter');
  }
  if (typeof body.model !== 'string') throw invalidType('model', 'a string', body.model);
  if (body.messages === undefined) throw missing('messages');
  if (!Array.isArray(body.messages)) throw invalidType('messages', 'an array of objects', body.messages);
  if (body.messages.length === 0) {
    throw invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  const messages = body.messages.map((m, i) => parseMessage(m, i));
  checkToolMessageOrder(messages);
  const tools = parseTools(body.tools);
  const toolChoice = parseToolChoice(body.tool_choice, tools);
  const responseFormat = parseResponseFormat(body.response_format, messages);
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw invalidRequest('The emulator answers only n=1.', 'n', 'invalid_value');
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidType('stream', 'a boolean', body.stream);
  }
  const stream = body.stream === true;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!stream) {
      throw invalidRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      );
    }
    if (!isPlainObject(body.stream_options)) throw invalidType('stream_options', 'an object', body.stream_options);
  }
  const includeUsage = isPlainObject(body.stream_options) && body.stream_options.include_usage === true;
  return { model: body.model, messages, tools, toolChoice, responseFormat, stream, includeUsage, body };
}
