/** `finish(summary)`: ends the agent loop with a summary of what was changed. */
import { requireString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';

/** Longest summary kept (it goes into the PR body and workflow history). */
export const MAX_SUMMARY_CHARS = 4000;

/** The `finish` tool. Pure; never throws except for bad arguments. */
export const finishTool: AgentTool = {
  definition: {
    name: 'finish',
    description: 'Call when the work is done (or cannot be done): summarise what you changed and why.',
    parameters: strictObject({
      summary: { type: 'string', description: 'What was changed, and anything a reviewer should know.' },
    }),
  },
  async execute(args) {
    const summary = requireString(args, 'summary').trim().slice(0, MAX_SUMMARY_CHARS);
    return { ok: true, content: 'OK: finishing', finishSummary: summary };
  },
};
