/**
 * Types shared by the agent tools (PRODUCT.md §6): the context a tool runs in, its limits and the
 * outcome it hands back to the loop.
 */

import type { TestResult } from '@khitomer/contracts';
import type { LlmToolDefinition } from '@khitomer/integrations';

/** What the injected test runner returns; `longOutputTail` (≤ ~200 lines) is shown to the model when present. */
export type AgentTestResult = TestResult & { longOutputTail?: string };

/**
 * Runs the repository's tests once. Injected by the activity; must honour `signal` (kill the
 * test process group and reject promptly when aborted).
 */
export type AgentTestRunner = (signal?: AbortSignal) => Promise<AgentTestResult>;

/** Size caps of the tools. Bytes are UTF-8 bytes. */
export interface ToolLimits {
  /** list_files: entries shown before a notice. */
  listMaxEntries: number;
  /** read_file: lines returned per call. */
  readMaxLines: number;
  /** read_file: bytes returned per call. */
  readMaxBytes: number;
  /** read_file / search_code: characters kept of one long line. */
  maxLineChars: number;
  /** read_file: files larger than this are only read with an explicit line range. */
  readMaxFileBytes: number;
  /** search_code: matches returned. */
  searchMaxMatches: number;
  /** search_code (JS fallback): files larger than this are skipped. */
  searchMaxFileBytes: number;
  /** search_code: wall-clock limit of one search, in ms. */
  searchTimeoutMs: number;
  /** write_file: largest content accepted. */
  writeMaxBytes: number;
  /** edit_file: largest file edited. */
  editMaxFileBytes: number;
  /** run_tests: lines of output returned. */
  testOutputMaxLines: number;
  /** run_tests: bytes of output returned. */
  testOutputMaxBytes: number;
}

/** Defaults chosen so that one tool result stays well under ~16 KB of prompt. */
export const DEFAULT_TOOL_LIMITS: Readonly<ToolLimits> = Object.freeze({
  listMaxEntries: 300,
  readMaxLines: 400,
  readMaxBytes: 24 * 1024,
  maxLineChars: 400,
  readMaxFileBytes: 1024 * 1024,
  searchMaxMatches: 100,
  searchMaxFileBytes: 1024 * 1024,
  searchTimeoutMs: 30_000,
  writeMaxBytes: 512 * 1024,
  editMaxFileBytes: 1024 * 1024,
  testOutputMaxLines: 200,
  testOutputMaxBytes: 16 * 1024,
});

/** Everything a tool needs; nothing global. */
export interface ToolContext {
  /** The clone directory. */
  root: string;
  runTests: AgentTestRunner;
  limits: ToolLimits;
  signal?: AbortSignal;
}

/** What a tool returns to the loop; `content` goes to the model as the tool message. */
export interface ToolOutcome {
  ok: boolean;
  content: string;
  /** Set by `finish` only. */
  finishSummary?: string;
}

/** A tool: its OpenAI function definition and its implementation over already-parsed JSON arguments. */
export interface AgentTool {
  definition: LlmToolDefinition;
  /** Returns an outcome; may throw {@link ToolArgumentError} for bad arguments (the dispatcher turns it into a result). */
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Thrown by argument helpers; the dispatcher reports it to the model as `Error: …`. */
export class ToolArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolArgumentError';
  }
}

/** A successful outcome. */
export function toolOk(content: string): ToolOutcome {
  return { ok: true, content };
}

/** A failed outcome; the text always starts with `Error:`. */
export function toolError(message: string): ToolOutcome {
  return { ok: false, content: `Error: ${message}` };
}
