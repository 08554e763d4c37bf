/**
 * The fixed tool set of the agent (PRODUCT.md §6) and the dispatcher that runs one tool call.
 * Tool errors are results (`Error: …`), never exceptions; only cancellation propagates.
 */
import type { LlmToolDefinition } from '@khitomer/integrations';
import { deleteFileTool } from './delete-file.js';
import { editFileTool } from './edit-file.js';
import { finishTool } from './finish.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { runTestsTool } from './run-tests.js';
import { searchCodeTool } from './search-code.js';
import { parseArgumentsJson } from './tool-args.js';
import type { AgentTool, ToolContext, ToolOutcome } from './tool-types.js';
import { ToolArgumentError, toolError } from './tool-types.js';
import { writeFileTool } from './write-file.js';

export type { AgentTestResult, AgentTestRunner, ToolContext, ToolLimits, ToolOutcome } from './tool-types.js';
export { DEFAULT_TOOL_LIMITS } from './tool-types.js';

/** The tools, in the order they are offered to the model. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  listFilesTool,
  readFileTool,
  searchCodeTool,
  writeFileTool,
  editFileTool,
  deleteFileTool,
  runTestsTool,
  finishTool,
];

/** Exact tool names of PRODUCT.md §6. */
export const AGENT_TOOL_NAMES: readonly string[] = AGENT_TOOLS.map((t) => t.definition.name);

const BY_NAME = new Map(AGENT_TOOLS.map((t) => [t.definition.name, t]));

/** OpenAI function definitions of all tools (strict-compatible JSON schemas). Pure. */
export function agentToolDefinitions(): LlmToolDefinition[] {
  return AGENT_TOOLS.map((t) => ({ ...t.definition }));
}

/**
 * Runs one tool call. Unknown tools, invalid JSON, bad arguments, refused paths and file-system
 * problems all come back as `{ok: false, content: 'Error: …'}`.
 * @throws only when `ctx.signal` is aborted (its reason, or an AbortError).
 */
export async function executeToolCall(name: string, rawArguments: string, ctx: ToolContext): Promise<ToolOutcome> {
  ctx.signal?.throwIfAborted();
  const tool = BY_NAME.get(name);
  if (tool === undefined) {
    return toolError(`unknown tool "${name}"; available tools: ${AGENT_TOOL_NAMES.join(', ')}`);
  }
  try {
    return await tool.execute(parseArgumentsJson(rawArguments), ctx);
  } catch (err) {
    ctx.signal?.throwIfAborted();
    if (err instanceof ToolArgumentError) return toolError(`${name}: ${err.message}`);
    return toolError(
      `${name} failed unexpectedly: ${err instanceof Error ? err.message.slice(0, 200) : 'unknown error'}`,
    );
  }
}
