/**
 * The agent of `implementChanges` (PRODUCT.md §6): a Chat Completions tool-calling loop over the
 * fixed tool set. Pure local code: no Temporal imports; the activity injects progress (heartbeat)
 * and cancellation through `onProgress` and `signal`.
 */
import type { ImplementationPlan } from '@khitomer/contracts';
import type { LlmClient, LlmMessage } from '@khitomer/integrations';
import type { AgentTicket } from './agent-prompt.js';
import { buildContextMessage, buildSystemPrompt } from './agent-prompt.js';
import type { ContextWindowLimits } from './context-window.js';
import {
  boundAnswer,
  clipToolResult,
  compactConversation,
  conversationChars,
  DEFAULT_CONTEXT_LIMITS,
} from './context-window.js';
import type { RepoGuidance } from './repo-guidance.js';
import { collectRepoGuidance, formatRepoGuidance } from './repo-guidance.js';
import type { AgentTestRunner, ToolLimits } from './tools/index.js';
import { agentToolDefinitions, DEFAULT_TOOL_LIMITS, executeToolCall } from './tools/index.js';

export type { AgentTicket } from './agent-prompt.js';

/** Why the loop ended. */
export type AgentStopReason = 'finished' | 'max_steps' | 'budget_exhausted' | 'no_tool_call';

/** Reported after every model answer and every tool call (the activity heartbeats from it). */
export interface AgentProgress {
  /** Tool calls executed so far. */
  step: number;
  /** Tokens (prompt + completion) used by this agent run. */
  tokensUsed: number;
  /** `tokensAlreadyUsed + tokensUsed`: the ticket's total so far. */
  totalTokensUsed: number;
  /** Name of the last tool called, null before the first. */
  lastTool: string | null;
}

/** One executed tool call. */
export interface AgentToolCallRecord {
  name: string;
  ok: boolean;
}

/** Outcome of {@link runAgent}. */
export interface AgentResult {
  stopReason: AgentStopReason;
  /** The model's `finish` summary, or a note saying why the loop stopped. */
  summary: string;
  /** Tool calls executed. */
  steps: number;
  /** Tokens (prompt + completion) used by this agent run, not counting `tokensAlreadyUsed`. */
  tokensUsed: number;
  toolCalls: AgentToolCallRecord[];
}

/** Minimal structured logger (pino-compatible). Never receives file contents, prompts or secrets. */
export interface AgentLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** Input of {@link runAgent}. */
export interface RunAgentOptions {
  llm: LlmClient;
  /** The clone; every tool path is resolved inside it. */
  workspaceDir: string;
  plan: ImplementationPlan;
  /** Untrusted ticket text; fenced in the prompt. */
  ticket: AgentTicket;
  /** The repository's guidance; collected from `workspaceDir` when omitted. */
  guidance?: RepoGuidance;
  /** AGENT_MAX_STEPS: tool calls allowed. */
  maxSteps: number;
  /** AGENT_MAX_TOKENS: the ticket's whole budget (plan included). */
  tokenBudget: number;
  /** Tokens the ticket already spent (planning); counted against `tokenBudget`. */
  tokensAlreadyUsed: number;
  /** Runs the repository's tests (for the `run_tests` tool). */
  runTests: AgentTestRunner;
  /** Called after every model answer and every tool call; may throw to stop the loop (the error propagates). */
  onProgress?: (progress: AgentProgress) => void;
  /** Aborts the loop: the in-flight model call, tool or test run stops and the signal's reason is thrown. */
  signal?: AbortSignal;
  logger?: AgentLogger;
  /** Per-answer completion cap (also clipped to the remaining budget). Default 8192. */
  maxCompletionTokens?: number;
  temperature?: number;
  toolLimits?: Partial<ToolLimits>;
  contextLimits?: Partial<ContextWindowLimits>;
}

const NUDGE =
  'Continue the work by calling one of the tools. When the ticket is implemented (or cannot be), call finish with a summary.';
const CHARS_PER_TOKEN = 4;

function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/**
 * Runs the tool loop until the model calls `finish`, `maxSteps` tool calls were made, the token
 * budget is reached, or the model twice answers without a tool call.
 *
 * Tool failures (bad arguments, refused paths, missing files) are returned to the model and the
 * loop goes on. Before each model call the remaining budget is checked against a chars/4 estimate
 * of the prompt, so a call that would clearly overrun the budget is not made.
 *
 * @throws the `signal`'s reason when aborted (promptly, also during a model call or test run);
 *   errors of `llm.chat` unchanged (e.g. `IntegrationError` `rate_limited`: the caller retries);
 *   whatever `onProgress` throws. Not idempotent: it edits files in `workspaceDir`.
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { llm, workspaceDir, plan, ticket, maxSteps, tokenBudget, tokensAlreadyUsed, signal, logger } = options;
  const toolLimits: ToolLimits = { ...DEFAULT_TOOL_LIMITS, ...options.toolLimits };
  const contextLimits: ContextWindowLimits = { ...DEFAULT_CONTEXT_LIMITS, ...options.contextLimits };
  const tools = agentToolDefinitions();
  const toolsChars = JSON.stringify(tools).length;

  throwIfAborted(signal);
  const guidance = options.guidance ?? (await collectRepoGuidance(workspaceDir));
  const guidanceText = formatRepoGuidance(guidance);
  const messages: LlmMessage[] = [
    { role: 'system', content: buildSystemPrompt(maxSteps) },
    { role: 'user', content: buildContextMessage(ticket, plan, guidanceText) },
  ];

  let steps = 0;
  let tokensUsed = 0;
  let lastTool: string | null = null;
  let lastContent: string | null = null;
  let nudged = false;
  const toolCalls: AgentToolCallRecord[] = [];

  const progress = (): void =>
    options.onProgress?.({ step: steps, tokensUsed, totalTokensUsed: tokensAlreadyUsed + tokensUsed, lastTool });
  const done = (stopReason: AgentStopReason, summary: string): AgentResult => {
    logger?.info({ stopReason, steps, tokensUsed }, 'agent loop ended');
    return { stopReason, summary, steps, tokensUsed, toolCalls };
  };
  const stoppedNote = (why: string): string =>
    lastContent !== null && lastContent.trim() !== ''
      ? `${why}. Last message of the model: ${lastContent.trim().slice(0, 2000)}`
      : why;

  for (;;) {
    throwIfAborted(signal);
    if (steps >= maxSteps) return done('max_steps', stoppedNote(`Stopped after ${steps} tool calls without finish`));
    const remaining = tokenBudget - tokensAlreadyUsed - tokensUsed;
    if (compactConversation(messages, contextLimits) > 0) logger?.debug({ steps }, 'old tool outputs elided');
    const estimatedPrompt = Math.ceil((conversationChars(messages) + toolsChars) / CHARS_PER_TOKEN);
    if (remaining <= 0 || estimatedPrompt >= remaining) {
      return done(
        'budget_exhausted',
        stoppedNote(`Stopped: token budget reached (${tokensAlreadyUsed + tokensUsed} of ${tokenBudget} tokens used)`),
      );
    }

    let response: Awaited<ReturnType<LlmClient['chat']>>;
    try {
      response = await llm.chat({
        messages: [...messages],
        tools,
        maxCompletionTokens: Math.max(1, Math.min(options.maxCompletionTokens ?? 8192, remaining - estimatedPrompt)),
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (err) {
      throwIfAborted(signal);
      throw err;
    }
    throwIfAborted(signal);
    const usage = response.usage;
    tokensUsed += usage.promptTokens + usage.completionTokens || usage.totalTokens;
    const kept = boundAnswer(response.content, response.toolCalls, contextLimits.toolResultMaxChars);
    messages.push({
      role: 'assistant',
      content: kept.content,
      ...(kept.toolCalls.length > 0 ? { toolCalls: kept.toolCalls } : {}),
    });
    logger?.debug(
      { steps, tokensUsed, toolCalls: response.toolCalls.map((c) => c.name), finishReason: response.finishReason },
      'model answered',
    );
    progress();

    if (response.toolCalls.length === 0) {
      lastContent = response.content;
      if (nudged) return done('no_tool_call', stoppedNote('Stopped: the model answered without calling a tool'));
      nudged = true;
      messages.push({ role: 'user', content: NUDGE });
      continue;
    }
    nudged = false;

    for (const call of response.toolCalls) {
      const outcome = await executeToolCall(call.name, call.arguments, {
        root: workspaceDir,
        runTests: options.runTests,
        limits: toolLimits,
        ...(signal === undefined ? {} : { signal }),
      });
      steps++;
      lastTool = call.name;
      toolCalls.push({ name: call.name, ok: outcome.ok });
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        content: clipToolResult(outcome.content, contextLimits.toolResultMaxChars),
      });
      logger?.debug(
        { step: steps, tool: call.name, ok: outcome.ok, resultChars: outcome.content.length },
        'tool called',
      );
      progress();
      if (outcome.finishSummary !== undefined) return done('finished', outcome.finishSummary);
      if (steps >= maxSteps) break;
    }
  }
}
