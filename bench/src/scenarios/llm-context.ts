/**
 * 6. LLM context cost on the big repository: tokens per ticket (plan + agent, as the model
 * reported them) and what the prompts carried, from the LLM emulator's record of every request:
 * the largest tool result (one read_file answer is capped at 24 KiB) and whether the tail of a
 * file larger than that cap ever reached a prompt.
 */
import { median } from '../support/stats.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './scenario.js';

/** The product's read_file cap per call (DEFAULT_TOOL_LIMITS.readMaxBytes in apps/worker). */
const READ_CAP_BYTES = 24 * 1024;
/** Room for read_file's header line and truncation notice around the capped content. */
const FRAMING_BYTES = 512;

const llmTitle = '6. LLM context cost on the big repository';

async function run(ctx: BenchContext): Promise<ScenarioOutcome> {
  const study = await ctx.shared.bigRepoStudy(ctx);
  const tickets = study.tickets;
  const tokens = tickets.map((t) => t.tokensUsed);
  const maxToolResult = Math.max(...tickets.map((t) => t.prompts.maxToolResultBytes));
  const largestPrompt = Math.max(...tickets.flatMap((t) => t.prompts.promptChars));
  const leaked = [...new Set(tickets.flatMap((t) => t.prompts.leakedSentinels))];
  return {
    sections: [
      {
        title: llmTitle,
        rows: [
          {
            metric: 'tokens per ticket (plan + agent)',
            value: median(tokens),
            unit: 'tokens',
            digits: 0,
            note: `${tickets.length} tickets: ${tokens.join(', ')} tokens; ${tickets[0]?.prompts.calls ?? 0} model calls each`,
          },
          {
            metric: 'largest single prompt',
            value: largestPrompt / 4,
            unit: 'tokens',
            digits: 0,
            note: 'chars / 4, as the emulator counts',
          },
          {
            metric: 'largest tool result in any prompt',
            value: maxToolResult / 1024,
            unit: 'KiB',
            digits: 1,
            target: { op: '<=', value: (READ_CAP_BYTES + FRAMING_BYTES) / 1024 },
            note: 'read_file cap 24 KiB per call + header/notice',
          },
          {
            metric: 'files over the cap leaked whole into a prompt',
            value: leaked.length,
            unit: 'files',
            digits: 0,
            target: { op: '==', value: 0 },
            note:
              leaked.length > 0
                ? `leaked: ${leaked.join(', ')}`
                : 'tails of data/huge.json (2 MiB) and docs/big-notes.md (256 KiB) never seen',
          },
        ],
      },
    ],
    data: {
      tickets: tickets.map((t) => ({ key: t.key, tokensUsed: t.tokensUsed, agentSteps: t.agentSteps, ...t.prompts })),
    },
  };
}

/** Scenario 6 of issue 8. */
export const llmContextScenario: Scenario = { name: 'llm', title: llmTitle, run };
