/**
 * 4. Clone cost on a big repository (~20k files, 1000 commits): the clone the worker makes today
 * (shallow, over HTTP) against the first and the second clone through the per-worker mirror cache,
 * measured directly through the git adapter, plus the `preparing_workspace` stage of a first and a
 * second ticket end to end with the cache in the worker's adapter.
 */
import { describeMs, median, summarize } from '../support/stats.js';
import type { BenchContext, MetricRow, Scenario, ScenarioOutcome } from './scenario.js';

const cloneTitle = '4. Clone cost on a big repository (~20k files, 1000 commits)';

async function run(ctx: BenchContext): Promise<ScenarioOutcome> {
  const study = await ctx.shared.bigRepoStudy(ctx);
  const rows: MetricRow[] = [];
  const data: Record<string, unknown> = { repo: study.repo };
  const clones = study.clones;
  if (clones) {
    const plain = summarize(clones.plainMs);
    const first = summarize(clones.firstMs);
    const second = summarize(clones.secondMs);
    const checkout = median(clones.secondReports.map((r) => r.checkoutMs));
    const refresh = median(clones.secondReports.map((r) => r.refreshMs));
    rows.push(
      { metric: 'plain shallow clone (worker today)', value: plain.median / 1000, unit: 's', note: describeMs(plain) },
      {
        metric: 'first clone, empty cache (builds mirror)',
        value: first.median / 1000,
        unit: 's',
        note: describeMs(first),
      },
      {
        metric: 'second clone, warm cache',
        value: second.median / 1000,
        unit: 's',
        note: `${describeMs(second)}; of which fetch ${Math.round(refresh)} ms, checkout of the working tree ${Math.round(checkout)} ms`,
      },
      {
        metric: 'speed-up second vs first clone (median)',
        value: first.median / second.median,
        unit: 'x',
        target: { op: '>=', value: 5 },
      },
      { metric: 'speed-up second clone vs plain clone (median)', value: plain.median / second.median, unit: 'x' },
    );
    data.clones = { ...clones, plain, first, second };
  }
  const [firstTicket, secondTicket] = study.tickets;
  if (firstTicket && secondTicket) {
    rows.push(
      { metric: 'e2e preparing_workspace, 1st ticket (cold cache)', value: firstTicket.prepareMs / 1000, unit: 's' },
      {
        metric: 'e2e preparing_workspace, 2nd ticket (warm cache)',
        value: secondTicket.prepareMs / 1000,
        unit: 's',
        note: `stage = host lookup + clone + branch + file listing; whole tickets took ${(firstTicket.wallMs / 1000).toFixed(1)} s and ${(secondTicket.wallMs / 1000).toFixed(1)} s`,
      },
    );
    data.tickets = study.tickets.map(({ prompts: _prompts, ...ticket }) => ticket);
  }
  return { sections: [{ title: cloneTitle, rows }], data };
}

/** Scenario 4 of issue 8. */
export const cloneCostScenario: Scenario = { name: 'clone', title: cloneTitle, run };
