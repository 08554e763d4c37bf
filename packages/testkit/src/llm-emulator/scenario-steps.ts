import { isPlainObject } from './json-schema.js';
import type { ErrorStep, Scenario, ScenarioStep, ScriptedToolCall, StaticStep, UsageOverride } from './types.js';

/** Thrown when a scenario step is malformed (a bug in the test, not in the code under test). */
export class ScenarioDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioDefinitionError';
  }
}

/** True for an {@link ErrorStep}. */
export function isErrorStep(step: StaticStep): step is ErrorStep {
  return 'error' in step;
}

function parseUsage(value: unknown, where: string): UsageOverride | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new ScenarioDefinitionError(`${where}.usage must be an object`);
  const out: UsageOverride = {};
  for (const key of ['promptTokens', 'completionTokens', 'totalTokens'] as const) {
    const n = value[key];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new ScenarioDefinitionError(`${where}.usage.${key} must be a non-negative integer`);
    }
    out[key] = n;
  }
  return out;
}

function parseToolCall(value: unknown, where: string): ScriptedToolCall {
  if (!isPlainObject(value)) throw new ScenarioDefinitionError(`${where} must be an object`);
  if (typeof value.name !== 'string' || value.name === '') {
    throw new ScenarioDefinitionError(`${where}.name must be a non-empty string`);
  }
  const args = value.arguments ?? {};
  if (typeof args !== 'string' && !isPlainObject(args)) {
    throw new ScenarioDefinitionError(`${where}.arguments must be an object (or a raw JSON string)`);
  }
  return { name: value.name, arguments: args };
}

/**
 * Validates one data-only step (as given in code or received over the control API).
 * Throws {@link ScenarioDefinitionError} naming the offending field.
 */
export function parseStaticStep(value: unknown, where: string): StaticStep {
  if (!isPlainObject(value)) throw new ScenarioDefinitionError(`${where} must be an object`);
  if ('error' in value) {
    const { error } = value;
    if (!isPlainObject(error)) throw new ScenarioDefinitionError(`${where}.error must be an object`);
    const { status, retryAfterSeconds, message, times } = error;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new ScenarioDefinitionError(`${where}.error.status must be an HTTP error status (400-599)`);
    }
    if (retryAfterSeconds !== undefined && (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)) {
      throw new ScenarioDefinitionError(`${where}.error.retryAfterSeconds must be a non-negative number`);
    }
    if (message !== undefined && typeof message !== 'string') {
      throw new ScenarioDefinitionError(`${where}.error.message must be a string`);
    }
    if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
      throw new ScenarioDefinitionError(`${where}.error.times must be a positive integer`);
    }
    return {
      error: {
        status,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        ...(message !== undefined ? { message } : {}),
        ...(times !== undefined ? { times } : {}),
      },
    };
  }
  const usage = parseUsage(value.usage, where);
  if (value.content !== undefined && typeof value.content !== 'string') {
    throw new ScenarioDefinitionError(`${where}.content must be a string`);
  }
  if ('toolCalls' in value) {
    if (!Array.isArray(value.toolCalls) || value.toolCalls.length === 0) {
      throw new ScenarioDefinitionError(`${where}.toolCalls must be a non-empty array`);
    }
    const toolCalls = value.toolCalls.map((call, i) => parseToolCall(call, `${where}.toolCalls[${i}]`));
    return {
      toolCalls,
      ...(typeof value.content === 'string' ? { content: value.content } : {}),
      ...(usage ? { usage } : {}),
    };
  }
  if (typeof value.content !== 'string') {
    throw new ScenarioDefinitionError(`${where} needs toolCalls, content or error`);
  }
  return { content: value.content, ...(usage ? { usage } : {}) };
}

/**
 * Validates a whole scenario: static steps are checked (and copied), dynamic steps kept as they are.
 * Throws {@link ScenarioDefinitionError}.
 */
export function parseScenario(steps: unknown, ticketKey: string): ScenarioStep[] {
  if (!Array.isArray(steps)) throw new ScenarioDefinitionError(`scenario for ${ticketKey} must be an array of steps`);
  return steps.map((step: unknown, i) =>
    typeof step === 'function' ? (step as Scenario[number]) : parseStaticStep(step, `scenario ${ticketKey} step ${i}`),
  );
}
