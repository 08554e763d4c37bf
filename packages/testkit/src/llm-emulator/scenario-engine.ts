import { createHash } from 'node:crypto';
import { isPlainObject, validateJson } from './json-schema.js';
import { errorForStatus, type OpenAiApiError, scenarioBug } from './openai-error.js';
import type { ParsedChatRequest } from './request-validation.js';
import { isErrorStep, parseScenario, parseStaticStep, ScenarioDefinitionError } from './scenario-steps.js';
import { sampleFromSchema } from './schema-sample.js';
import type {
  ChatMessage,
  ChatRequest,
  ErrorStep,
  Scenario,
  ScenarioHistory,
  ScenarioStep,
  StaticStep,
  ToolResult,
  UsageOverride,
} from './types.js';

/** What the emulator answers a request with. */
export type Answer =
  | {
      kind: 'message';
      content: string | null;
      toolCalls: { id: string; name: string; arguments: string }[];
      usage?: UsageOverride;
    }
  | { kind: 'error'; error: OpenAiApiError };

/** One history position of a scenario: error steps that fire first, then the answering step. */
interface Slot {
  errors: ErrorStep[];
  step: ScenarioStep | undefined;
}

/** Summary used by the default `finish` call when there is nothing (more) to do. */
const NOTHING_TO_DO = 'nothing to do';
const GENERIC_TICKET = /\b[A-Z][A-Z0-9_]+-\d+\b/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toSlots(steps: readonly ScenarioStep[]): Slot[] {
  const slots: Slot[] = [];
  let pending: ErrorStep[] = [];
  for (const step of steps) {
    if (typeof step !== 'function' && isErrorStep(step)) {
      pending.push(step);
      continue;
    }
    slots.push({ errors: pending, step });
    pending = [];
  }
  if (pending.length > 0) slots.push({ errors: pending, step: undefined });
  return slots;
}

/** Tool results of the request, paired with the calls they answer. */
function buildHistory(messages: ChatMessage[], ticketKey: string, stepIndex: number): ScenarioHistory {
  const calls = new Map<string, { name: string; arguments: string }>();
  const toolResults: ToolResult[] = [];
  let lastToolResults: ToolResult[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) calls.set(call.id, call);
      lastToolResults = [];
    } else if (message.role === 'tool') {
      const call = calls.get(message.toolCallId);
      const result: ToolResult = {
        toolCallId: message.toolCallId,
        name: call?.name ?? '',
        arguments: call?.arguments ?? '',
        content: message.content,
      };
      toolResults.push(result);
      lastToolResults.push(result);
    }
  }
  return { ticketKey, stepIndex, toolResults, lastToolResults };
}

/**
 * The scripted "model": holds scenarios and structured answers per ticket and decides the answer of
 * each request. Deterministic: the answer depends on the request's ticket key and on how many
 * assistant messages its history holds, so a restarted agent loop gets the same answers again. The
 * only state is how often each error step has fired.
 */
export class ScenarioEngine {
  private readonly scenarios = new Map<string, Slot[]>();
  private readonly structuredAnswers = new Map<string, unknown>();
  private readonly errorsFired = new Map<string, number>();
  /** Every scenario bug answered so far (also sent to the client as a 500), for assertions. */
  readonly bugs: string[] = [];

  /**
   * Registers (or replaces) the scenario of `ticketKey`. Throws {@link ScenarioDefinitionError}
   * when a static step is malformed.
   */
  addScenario(ticketKey: string, steps: Scenario | readonly unknown[]): void {
    if (ticketKey.trim() === '') throw new ScenarioDefinitionError('ticket key must not be empty');
    const parsed = parseScenario(steps, ticketKey);
    this.scenarios.set(ticketKey, toSlots(parsed));
    for (const key of [...this.errorsFired.keys()]) {
      if (key.startsWith(`${ticketKey}#`)) this.errorsFired.delete(key);
    }
  }

  /** Registers the structured-output answer of `ticketKey`; it is checked against each request's schema. */
  setStructuredAnswer(ticketKey: string, value: unknown): void {
    if (ticketKey.trim() === '') throw new ScenarioDefinitionError('ticket key must not be empty');
    this.structuredAnswers.set(ticketKey, value);
  }

  /** Forgets every scenario, answer, fired error and recorded bug. */
  reset(): void {
    this.scenarios.clear();
    this.structuredAnswers.clear();
    this.errorsFired.clear();
    this.bugs.length = 0;
  }

  /**
   * The registered ticket key mentioned first in the system/developer/user messages (the longest
   * when two start at the same place), or `undefined`.
   */
  findTicketKey(messages: ChatMessage[]): string | undefined {
    const keys = [...new Set([...this.scenarios.keys(), ...this.structuredAnswers.keys()])];
    if (keys.length === 0) return undefined;
    for (const message of messages) {
      if (message.role === 'assistant' || message.role === 'tool') continue;
      let best: { key: string; at: number } | undefined;
      for (const key of keys) {
        // A key must not be part of a longer one: KHI-1 does not match inside KHI-12 or XKHI-1.
        const match = new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(key)}(?![A-Za-z0-9_])`).exec(message.content);
        if (!match) continue;
        if (!best || match.index < best.at || (match.index === best.at && key.length > best.key.length)) {
          best = { key, at: match.index };
        }
      }
      if (best) return best.key;
    }
    return undefined;
  }

  /** Decides the answer of a validated request. Never throws: script problems become 500 answers. */
  answer(request: ChatRequest): Answer {
    try {
      return this.decide(request);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.bugs.push(message);
      return { kind: 'error', error: scenarioBug(message) };
    }
  }

  private decide(request: ChatRequest): Answer {
    const label = request.ticketKey ?? this.guessTicket(request) ?? 'the ticket';
    const format = request.responseFormat;
    if (format.type === 'json_schema') return this.structuredAnswer(request, format.schema, format.name, label);
    if (format.type === 'json_object') return this.jsonObjectAnswer(request, label);

    const slots = request.ticketKey ? this.scenarios.get(request.ticketKey) : undefined;
    if (!slots || !request.ticketKey) {
      if (request.tools.length > 0) return this.finishOrText(request, NOTHING_TO_DO, label);
      return { kind: 'message', content: `Emulated answer for ${label}.`, toolCalls: [] };
    }
    const slot = slots[request.stepIndex];
    if (slot) {
      for (const [i, errorStep] of slot.errors.entries()) {
        const key = `${request.ticketKey}#${request.stepIndex}#${i}`;
        const fired = this.errorsFired.get(key) ?? 0;
        if (fired < (errorStep.error.times ?? 1)) {
          this.errorsFired.set(key, fired + 1);
          return this.errorAnswer(errorStep);
        }
      }
    }
    if (!slot?.step) return this.finishOrText(request, `scenario for ${request.ticketKey} complete`, label);
    const where = `scenario ${request.ticketKey} step ${request.stepIndex}`;
    let step: StaticStep;
    if (typeof slot.step === 'function') {
      const history = buildHistory(request.messages, request.ticketKey, request.stepIndex);
      step = parseStaticStep(slot.step(request, history), `${where} (returned by the step function)`);
    } else {
      step = slot.step;
    }
    if (isErrorStep(step)) return this.errorAnswer(step);
    if (!('toolCalls' in step)) return { kind: 'message', content: step.content, toolCalls: [], ...usageOf(step) };
    if (request.toolChoice === 'none') {
      throw new Error(`${where} makes tool calls but the request sent tool_choice 'none'`);
    }
    const toolCalls = step.toolCalls.map((call, i) => {
      const tool = request.tools.find((t) => t.name === call.name);
      if (!tool) {
        const offered = request.tools.map((t) => t.name).join(', ') || 'none';
        throw new Error(`${where} calls tool '${call.name}', which the request does not offer (offered: ${offered})`);
      }
      if (typeof call.arguments !== 'string' && tool.parameters) {
        const problems = validateJson(call.arguments, tool.parameters);
        if (problems.length > 0) {
          throw new Error(`${where}: arguments of '${call.name}' do not match its parameters: ${problems.join('; ')}`);
        }
      }
      const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
      return { id: toolCallId(request.ticketKey ?? label, request.stepIndex, i), name: call.name, arguments: args };
    });
    return { kind: 'message', content: step.content ?? null, toolCalls, ...usageOf(step) };
  }

  private structuredAnswer(request: ChatRequest, schema: Record<string, unknown>, name: string, label: string): Answer {
    const registered = request.ticketKey !== undefined && this.structuredAnswers.has(request.ticketKey);
    const value = registered ? this.structuredAnswers.get(request.ticketKey ?? '') : sampleFromSchema(schema, label);
    const problems = validateJson(value, schema);
    if (problems.length > 0) {
      throw new Error(
        registered
          ? `structured answer registered for ${request.ticketKey} does not match response_format '${name}': ${problems.join('; ')}`
          : `cannot generate a value for response_format '${name}' (${problems.join('; ')}); register one with setStructuredAnswer`,
      );
    }
    return { kind: 'message', content: JSON.stringify(value), toolCalls: [] };
  }

  private jsonObjectAnswer(request: ChatRequest, label: string): Answer {
    if (request.ticketKey !== undefined && this.structuredAnswers.has(request.ticketKey)) {
      const value = this.structuredAnswers.get(request.ticketKey);
      if (!isPlainObject(value)) {
        throw new Error(`structured answer registered for ${request.ticketKey} must be an object for json_object mode`);
      }
      return { kind: 'message', content: JSON.stringify(value), toolCalls: [] };
    }
    return { kind: 'message', content: JSON.stringify({ result: `result for ${label}` }), toolCalls: [] };
  }

  private errorAnswer(step: ErrorStep): Answer {
    const { status, message, retryAfterSeconds } = step.error;
    return { kind: 'error', error: errorForStatus(status, message, retryAfterSeconds) };
  }

  /** A `finish` call when the request offers it (and allows tools), plain text otherwise. */
  private finishOrText(request: ChatRequest, summary: string, label: string): Answer {
    const finish = request.tools.find((t) => t.name === 'finish');
    if (!finish || request.toolChoice === 'none') {
      return { kind: 'message', content: `Nothing more to do for ${label}.`, toolCalls: [] };
    }
    const base = finish.parameters ? sampleFromSchema(finish.parameters, label) : {};
    const args = { ...(isPlainObject(base) ? base : {}), summary };
    return {
      kind: 'message',
      content: null,
      toolCalls: [
        {
          id: toolCallId(request.ticketKey ?? label, request.stepIndex, 0),
          name: 'finish',
          arguments: JSON.stringify(args),
        },
      ],
    };
  }

  /** Any ticket-looking key in the prompt, for readable generated values when none is registered. */
  private guessTicket(request: ParsedChatRequest): string | undefined {
    for (const message of request.messages) {
      if (message.role === 'assistant' || message.role === 'tool') continue;
      const match = GENERIC_TICKET.exec(message.content);
      if (match) return match[0];
    }
    return undefined;
  }
}

function usageOf(step: { usage?: UsageOverride }): { usage?: UsageOverride } {
  return step.usage ? { usage: step.usage } : {};
}

/** Deterministic tool-call id: the same ticket, step and position always get the same id. */
function toolCallId(ticket: string, stepIndex: number, position: number): string {
  const digest = createHash('sha256').update(`${ticket}\u0000${stepIndex}\u0000${position}`).digest('hex');
  return `call_${digest.slice(0, 24)}`;
}

/** Number of assistant messages in the history = index of the step that answers the request. */
export function stepIndexOf(messages: ChatMessage[]): number {
  return messages.filter((m) => m.role === 'assistant').length;
}
