/**
 * 1. Orchestration overhead: per-ticket wall time, from the start request to the final Jira
 * update, of the product (leader REST start → Temporal workflow on an in-process worker) against
 * the baseline (the same raw work in one process without Temporal), on the calculator fixture with
 * the scripted 5-step agent (6 model calls with the plan). Runs alternate product/baseline so
 * drift of the machine hits both alike; the first pair is a discarded warm-up.
 */
import {
  createGitHubCodeHost,
  createGitWorkspace,
  createJiraIssueTracker,
  createOpenAiLlmClient,
} from '@khitomer/integrations';
import { createPlanner } from '@khitomer/leader';
import { CALCULATOR_TICKET, calculatorFixScenario } from '@khitomer/testkit/scenarios';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { type BaselineDeps, runBaselineTicket } from '../baseline/baseline-run.js';
import { startInProcessProduct } from '../support/in-process-product.js';
import { describeMs, median, summarize } from '../support/stats.js';
import { startScenarioTemporal } from '../support/temporal.js';
import { timed } from '../support/timing.js';
import type { BenchContext, Scenario, ScenarioOutcome } from './scenario.js';

const REPOSITORY = { owner: 'acme', name: 'calculator' };

const overheadTitle = '1. Orchestration overhead (calculator fixture)';

async function run(ctx: BenchContext): Promise<ScenarioOutcome> {
  const repetitions = ctx.quick ? 3 : 10;
  const stack = await startEmulatorStack();
  ctx.cleanup.defer('emulators', () => stack.close());
  const temporal = await startScenarioTemporal();
  ctx.cleanup.defer('temporal dev server', () => temporal.stop());
  const product = await startInProcessProduct({
    stack,
    temporal,
    taskQueue: 'bench-overhead',
    workflowCode: await ctx.shared.workflowBundle(),
    cleanup: ctx.cleanup,
  });
  const config = product.workerConfig;
  const llm = createOpenAiLlmClient({
    apiKey: config.llm.apiKey,
    model: config.llm.model,
    ...(config.llm.baseUrl ? { baseUrl: config.llm.baseUrl } : {}),
  });
  const baseline: BaselineDeps = {
    issueTracker: createJiraIssueTracker({
      baseUrl: config.jira.baseUrl,
      username: config.jira.username,
      apiToken: config.jira.token,
    }),
    codeHost: createGitHubCodeHost({ apiUrl: config.github.apiUrl, token: config.github.token }),
    git: createGitWorkspace({ token: config.github.token }),
    llm,
    planner: createPlanner({ llm }),
    workspaceRoot: stack.workspaceDir,
    jiraBaseUrl: config.jira.baseUrl,
    inProgressStatus: config.jira.inProgressStatus,
    reviewStatus: config.jira.reviewStatus,
    author: { name: config.git.authorName, email: config.git.authorEmail },
  };

  const seed = (): string => {
    const key = stack.jira.seedIssue({
      summary: CALCULATOR_TICKET.summary,
      description: CALCULATOR_TICKET.description,
      status: 'Ready for Development',
      repository: `${REPOSITORY.owner}/${REPOSITORY.name}`,
    });
    stack.llm.addScenario(key, calculatorFixScenario());
    return key;
  };
  const productMs: number[] = [];
  const baselineMs: number[] = [];
  const productTokens: number[] = [];
  const stageTimings: Record<string, number>[] = [];
  for (let i = 0; i <= repetitions; i++) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const measureProduct = async () => {
      const { result, ms } = await timed(() => product.runTicket(seed(), REPOSITORY));
      if (!result.finalTests?.passed) throw new Error('product run ended with failing tests');
      if (i > 0) {
        productMs.push(ms);
        productTokens.push(result.tokensUsed);
        stageTimings.push(result.stageTimings);
      }
    };
    const measureBaseline = async () => {
      const { result, ms } = await timed(() => runBaselineTicket(baseline, seed(), REPOSITORY));
      if (!result.finalTestsPassed) throw new Error('baseline run ended with failing tests');
      if (i > 0) baselineMs.push(ms);
    };
    if (i % 2 === 0) {
      await measureProduct();
      await measureBaseline();
    } else {
      await measureBaseline();
      await measureProduct();
    }
    ctx.log(`overhead: ${i === 0 ? 'warm-up' : `pair ${i}/${repetitions}`} done`);
  }

  const productSummary = summarize(productMs);
  const baselineSummary = summarize(baselineMs);
  const ratio = productSummary.median / baselineSummary.median;
  const medianStages = Object.fromEntries(
    Object.keys(stageTimings[0] ?? {}).map((stage) => [stage, median(stageTimings.map((t) => t[stage] ?? 0))]),
  );
  return {
    sections: [
      {
        title: overheadTitle,
        rows: [
          {
            metric: 'product: start → Jira updated',
            value: productSummary.median / 1000,
            unit: 's',
            note: describeMs(productSummary),
          },
          {
            metric: 'baseline (no Temporal): same work',
            value: baselineSummary.median / 1000,
            unit: 's',
            note: describeMs(baselineSummary),
          },
          {
            metric: 'overhead ratio product / baseline (median)',
            value: ratio,
            unit: 'x',
            target: { op: '<=', value: 1.5 },
            note: `p95 ratio ${(productSummary.p95 / baselineSummary.p95).toFixed(2)}x; product stages (median ms): ${Object.entries(
              medianStages,
            )
              .map(([stage, ms]) => `${stage} ${Math.round(ms)}`)
              .join(', ')}`,
          },
        ],
      },
    ],
    data: { repetitions, productMs, baselineMs, productSummary, baselineSummary, ratio, productTokens, medianStages },
  };
}

/** Scenario 1 of issue 8. */
export const overheadScenario: Scenario = { name: 'overhead', title: overheadTitle, run };
