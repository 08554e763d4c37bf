/**
 * Asks the model for an implementation plan (PRODUCT.md §4.3): strict JSON-schema structured
 * output, transient faults retried with bounded backoff, one re-ask when the answer is unusable.
 */
import type { ImplementationPlan } from '@khitomer/contracts';
import type { FenceOptions } from '@khitomer/integrations';
import {
  delay,
  type IntegrationError,
  isIntegrationError,
  type LlmChatResponse,
  type LlmClient,
  type LlmMessage,
  type LlmUsage,
  linkedAbortSignal,
} from '@khitomer/integrations';
import { capPlan, PLAN_SCHEMA_NAME, PlanParseError, parsePlan, planByteLength, planJsonSchema } from './plan-schema.js';
import { buildPlannerMessages, buildRepairMessages, type PlanRequest } from './prompts.js';

/** One log method, pino style: object first, fixed message. */
export type PlannerLogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** The logging the planner needs; a pino `Logger` satisfies it. Ticket text is never logged. */
export interface PlannerLogger {
  debug: PlannerLogFn;
  info: PlannerLogFn;
  warn: PlannerLogFn;
}

/** Options of {@link createPlanner}. Durations in milliseconds. */
export interface PlannerOptions {
  llm: LlmClient;
  logger?: PlannerLogger;
  /** Model calls per request, the first included, when calls fail transiently. Default 4; at least 1. */
  maxAttempts?: number;
  /** First backoff delay; doubles per retry, with jitter. Default 1,000. */
  baseDelayMs?: number;
  /** Upper bound of one backoff delay. Default 30,000. */
  maxDelayMs?: number;
  /** Longest Retry-After honoured; a longer one ends planning with a retryable error. Default 60,000. */
  maxRetryAfterMs?: number;
  /** `max_completion_tokens` of each call. Default 8,000. */
  maxCompletionTokens?: number;
  /** Sampling temperature; omitted (server default) unless set. */
  temperature?: number;
  /** Injectable for tests. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests; returns [0, 1). */
  random?: () => number;
  /** Injectable fence ids for tests. */
  fence?: FenceOptions;
}

/** Input of {@link Planner.plan}. */
export interface PlanInput extends PlanRequest {
  /** Aborts the model call and any backoff wait. */
  signal?: AbortSignal;
}

/** A plan and the tokens spent on it. */
export interface PlanOutcome {
  /** The plan, capped to 16 KB of JSON. */
  plan: ImplementationPlan;
  /** Tokens of every model call made for this plan, re-ask included. */
  tokensUsed: number;
}

/** Produces implementation plans. */
export interface Planner {
  /**
   * Plans one ticket. Not idempotent (each call asks the model anew).
   *
   * @throws {PlanningError} when no plan can be produced; `retryable` says whether trying again
   * later may help. Transient model faults are already retried inside.
   */
  plan(input: PlanInput): Promise<PlanOutcome>;
}

/** Why planning failed for good. */
export type PlanningErrorCode =
  /** Transient faults (429, 5xx, network, timeout) outlasted the retries. Retryable later. */
  | 'llm_unavailable'
  /** The model service refused the request (credentials, permission, model, bad request). Not retryable. */
  | 'llm_rejected'
  /** The answer was not a usable plan, also after the re-ask. Not retryable as is. */
  | 'invalid_plan'
  /** The caller's AbortSignal fired. Retryable later. */
  | 'aborted';

/** Options of {@link PlanningError}. */
export interface PlanningErrorOptions {
  retryable: boolean;
  tokensUsed: number;
  cause?: unknown;
}

/**
 * Planning failed for good. `reason` (also the message) is a plain sentence for a Jira comment
 * and never contains secrets or ticket text; `cause` keeps the underlying error for logs.
 */
export class PlanningError extends Error {
  readonly code: PlanningErrorCode;
  readonly reason: string;
  /** Whether a later attempt (e.g. the next poll) may succeed. */
  readonly retryable: boolean;
  /** Tokens spent before failing; they count against the ticket's budget. */
  readonly tokensUsed: number;

  constructor(code: PlanningErrorCode, reason: string, options: PlanningErrorOptions) {
    super(reason, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlanningError';
    this.code = code;
    this.reason = reason;
    this.retryable = options.retryable;
    this.tokensUsed = options.tokensUsed;
  }
}

const DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxCompletionTokens: 8_000,
} as const;

const noop: PlannerLogFn = () => {};
const silentLogger: PlannerLogger = { debug: noop, info: noop, warn: noop };

/**
 * Creates a planner over `llm`. Each plan makes at most `2 × maxAttempts` model calls: up to
 * `maxAttempts` for the first answer (backing off between transient failures; a 429's
 * `retryAfterMs` is waited exactly) and as many for the one re-ask.
 *
 * @throws {RangeError} when `maxAttempts` is not an integer ≥ 1.
 */
export function createPlanner(options: PlannerOptions): Planner {
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer of at least 1, got ${maxAttempts}`);
  }
  const settings = {
    llm: options.llm,
    logger: options.logger ?? silentLogger,
    maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    maxCompletionTokens: options.maxCompletionTokens ?? DEFAULTS.maxCompletionTokens,
    temperature: options.temperature,
    sleep: options.sleep ?? delay,
    random: options.random ?? Math.random,
    fence: options.fence ?? {},
  };
  return { plan: (input) => runPlanning(settings, input) };
}

type Settings = Required<Omit<PlannerOptions, 'logger' | 'temperature' | 'fence'>> & {
  logger: PlannerLogger;
  temperature: number | undefined;
  fence: FenceOptions;
};

/** An answer that could not be used, described for the model and for humans. */
interface Unusable {
  kind: PlanParseError['kind'] | 'truncated';
  /** For the re-ask: what to fix. */
  problem: string;
  /** For `PlanningError.reason`: what went wrong, without the answer's text. */
  summary: string;
}

async function runPlanning(settings: Settings, input: PlanInput): Promise<PlanOutcome> {
  const { logger } = settings;
  const jiraIssueKey = input.key;
  const messages = buildPlannerMessages(input, settings.fence);
  const usage = { tokens: 0 };
  logger.info(
    {
      jiraIssueKey,
      promptChars: messages.reduce((sum, m) => sum + (m.content?.length ?? 0), 0),
      descriptionChars: input.description.length,
    },
    'planning started',
  );

  let lastProblem: Unusable | undefined;
  for (let turn = 1; turn <= 2; turn++) {
    const response = await callWithRetry(settings, messages, usage, input);
    const outcome = interpret(response);
    if ('plan' in outcome) {
      const plan = capPlan(outcome.plan);
      logger.info(
        {
          jiraIssueKey,
          steps: plan.steps.length,
          planBytes: planByteLength(plan),
          shortened: plan !== outcome.plan,
          reasked: turn > 1,
          tokensUsed: usage.tokens,
        },
        'plan ready',
      );
      return { plan, tokensUsed: usage.tokens };
    }
    lastProblem = outcome;
    logger.warn(
      { jiraIssueKey, turn, kind: outcome.kind, answerChars: response.content?.length ?? 0 },
      'unusable plan answer',
    );
    logger.debug({ jiraIssueKey, turn, problem: outcome.problem }, 'unusable plan answer details');
    if (turn === 1) messages.push(...buildRepairMessages(response.content, outcome.problem));
  }
  throw new PlanningError(
    'invalid_plan',
    `The language model did not return a usable implementation plan, even when asked a second time: ${lastProblem?.summary ?? 'unknown problem'}.`,
    { retryable: false, tokensUsed: usage.tokens },
  );
}

function interpret(response: LlmChatResponse): { plan: ImplementationPlan } | Unusable {
  if (response.finishReason === 'length') {
    return {
      kind: 'truncated',
      problem:
        'The answer was cut off because it was too long. Make the plan shorter: fewer steps and more concise details.',
      summary: 'the answer was cut off for being too long',
    };
  }
  try {
    return { plan: parsePlan(response.content ?? '') };
  } catch (err) {
    if (!(err instanceof PlanParseError)) throw err;
    const summaries: Record<PlanParseError['kind'], string> = {
      empty: 'the answer was empty',
      too_large: 'the answer was far too long',
      invalid_json: 'the answer was not valid JSON',
      schema_mismatch: `the answer did not match the plan format (${err.issues.slice(0, 3).join('; ')})`,
    };
    return { kind: err.kind, problem: err.message, summary: summaries[err.kind] };
  }
}

async function callWithRetry(
  settings: Settings,
  messages: LlmMessage[],
  usage: { tokens: number },
  input: PlanInput,
): Promise<LlmChatResponse> {
  const { signal } = input;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError(usage.tokens, signal.reason);
    let response: LlmChatResponse;
    // The client may leave listeners on the signal it is given (the openai SDK does): give it a
    // signal of its own per call, linked to the caller's only while the call runs, so that many
    // plans on one long-lived signal (a poll) do not pile listeners up on it.
    const call = linkedAbortSignal(signal);
    try {
      response = await settings.llm.chat({
        messages: [...messages],
        jsonSchema: { name: PLAN_SCHEMA_NAME, schema: planJsonSchema },
        maxCompletionTokens: settings.maxCompletionTokens,
        ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
        ...(call === undefined ? {} : { signal: call.signal }),
      });
    } catch (err) {
      if (signal?.aborted || (isIntegrationError(err) && err.code === 'aborted')) {
        throw abortedError(usage.tokens, err);
      }
      if (!isIntegrationError(err) || !err.retryable) throw rejectedError(err, usage.tokens);
      const delayMs = attempt < settings.maxAttempts ? backoff(settings, err, attempt) : undefined;
      if (delayMs === undefined) throw unavailableError(err, attempt, usage.tokens, settings.maxRetryAfterMs);
      settings.logger.warn(
        { jiraIssueKey: input.key, attempt, code: err.code, status: err.status, delayMs },
        'model call failed; retrying',
      );
      try {
        await settings.sleep(delayMs, signal);
      } catch (sleepErr) {
        throw abortedError(usage.tokens, sleepErr);
      }
      continue;
    } finally {
      call?.dispose();
    }
    usage.tokens += tokensOf(response.usage);
    return response;
  }
}

/** Delay before the next attempt; undefined when the server asks for a longer wait than allowed. */
function backoff(settings: Settings, err: IntegrationError, attempt: number): number | undefined {
  if (err.retryAfterMs !== undefined) {
    return err.retryAfterMs > settings.maxRetryAfterMs ? undefined : Math.max(0, err.retryAfterMs);
  }
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (settings.random() * ceiling) / 2);
}

function tokensOf(usage: LlmUsage | undefined): number {
  if (!usage) return 0;
  const total = usage.totalTokens > 0 ? usage.totalTokens : usage.promptTokens + usage.completionTokens;
  return Number.isFinite(total) && total > 0 ? total : 0;
}

function abortedError(tokensUsed: number, cause: unknown): PlanningError {
  return new PlanningError('aborted', 'Planning was cancelled before it finished.', {
    retryable: true,
    tokensUsed,
    cause,
  });
}

function unavailableError(
  err: IntegrationError,
  attempts: number,
  tokensUsed: number,
  maxRetryAfterMs: number,
): PlanningError {
  const status = err.status === undefined ? '' : ` (HTTP ${err.status})`;
  let what: string;
  if (err.retryAfterMs !== undefined && err.retryAfterMs > maxRetryAfterMs) {
    what = `it is rate-limiting requests and asked to wait ${Math.ceil(err.retryAfterMs / 1000)} seconds`;
  } else if (err.code === 'rate_limited') {
    what = `it kept answering "too many requests"${status}`;
  } else if (err.code === 'unavailable') {
    what = `it kept answering with a server error${status}`;
  } else if (err.code === 'timeout') {
    what = 'the requests timed out';
  } else {
    what = 'the connection to it failed';
  }
  return new PlanningError(
    'llm_unavailable',
    `The language model service could not be used (${attempts} attempt${attempts === 1 ? '' : 's'}): ${what}. Planning can be tried again later.`,
    { retryable: true, tokensUsed, cause: err },
  );
}

function rejectedError(err: unknown, tokensUsed: number): PlanningError {
  let reason = 'Planning failed because of an unexpected error while calling the language model.';
  if (isIntegrationError(err)) {
    const status = err.status === undefined ? '' : ` (HTTP ${err.status})`;
    const reasons: Partial<Record<IntegrationError['code'], string>> = {
      unauthorized: `The language model service rejected Khitomer's credentials${status}; the OpenAI API key setting needs attention.`,
      forbidden: `The language model service denied access${status}; check the OpenAI API key's permissions and the model setting.`,
      not_found: `The language model service did not find the model or endpoint${status}; check the model and base URL settings.`,
      bad_input: `The language model service refused the planning request as invalid${status}.`,
      invalid_response: 'The language model service sent a response Khitomer could not understand.',
    };
    reason = reasons[err.code] ?? `The language model service refused the planning request${status}.`;
  }
  return new PlanningError('llm_rejected', reason, { retryable: false, tokensUsed, cause: err });
}
