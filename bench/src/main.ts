/**
 * `pnpm bench`: runs the scenarios of issue 8 against real Temporal dev servers and the emulators,
 * prints the table (targets beside measured values) and writes the JSON results. Ctrl-C stops
 * the scenario in progress, cleans up everything it started and still reports what was measured.
 */
import os from 'node:os';
import { killAllNodeServices } from '@khitomer/testkit';
import { parseArgs, USAGE } from './cli-args.js';
import { writeResults } from './report/results-file.js';
import { renderTable, type TableEntry } from './report/results-table.js';
import { cloneCostScenario } from './scenarios/clone-cost.js';
import { llmContextScenario } from './scenarios/llm-context.js';
import { overheadScenario } from './scenarios/overhead.js';
import { pollCostScenario } from './scenarios/poll-cost.js';
import type { BenchContext, Scenario, ScenarioName, ScenarioOutcome } from './scenarios/scenario.js';
import { SharedResources } from './scenarios/shared-resources.js';
import { throughputScenario } from './scenarios/throughput.js';
import { CleanupStack } from './support/cleanup-stack.js';
import { cpuCalibration, machineInfo } from './support/machine.js';
import { settleDisk } from './support/settle-disk.js';
import { percent } from './support/stats.js';
import { now } from './support/timing.js';

const SCENARIOS: Record<ScenarioName, Scenario> = {
  overhead: overheadScenario,
  throughput: throughputScenario,
  poll: pollCostScenario,
  clone: cloneCostScenario,
  llm: llmContextScenario,
};

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

let options: ReturnType<typeof parseArgs>;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const stop = new AbortController();
let signals = 0;
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    signals += 1;
    if (signals === 1) {
      log(`${name}: stopping the current scenario and cleaning up… (again to force)`);
      stop.abort(new Error(`interrupted by ${name}`));
    } else {
      void killAllNodeServices().finally(() => process.exit(130));
    }
  });
}
const aborted = new Promise<never>((_, reject) => {
  stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
});
aborted.catch(() => undefined);

const started = now();
const machine = machineInfo();
const calibration = cpuCalibration();
log(
  `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, load ${machine.loadAverageAtStart.toFixed(2)}; ` +
    `CPU calibration cv ${percent(calibration.cv)}`,
);
const shared = new SharedResources({ adapterClones: options.only.includes('clone') });
const entries: TableEntry[] = [];
const results: Record<string, unknown>[] = [];

for (const name of options.only) {
  if (stop.signal.aborted) break;
  const scenario = SCENARIOS[name];
  const cleanup = new CleanupStack();
  const ctx: BenchContext = { quick: options.quick, signal: stop.signal, log, cleanup, shared };
  await settleDisk();
  const scenarioStarted = now();
  log(`${scenario.title}: starting`);
  let outcome: ScenarioOutcome | undefined;
  let error: string | undefined;
  try {
    const running = scenario.run(ctx);
    running.catch(() => undefined);
    outcome = await Promise.race([running, aborted]);
  } catch (err) {
    error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`${scenario.title}: FAILED: ${error}`);
  } finally {
    for (const failure of await cleanup.runAll()) log(`cleanup problem: ${failure}`);
  }
  const durationMs = now() - scenarioStarted;
  log(`${scenario.title}: ${error === undefined ? 'done' : 'failed'} in ${(durationMs / 1000).toFixed(0)} s`);
  entries.push({
    title: scenario.title,
    sections: outcome?.sections ?? [],
    ...(error === undefined ? {} : { error: error.split('\n')[0] ?? error }),
  });
  results.push({ name, title: scenario.title, durationMs, ok: error === undefined, error, ...outcome });
}
await killAllNodeServices();

const totalMs = now() - started;
const loadAtEnd = os.loadavg()[0] ?? 0;
const header = [
  `Khitomer benchmark — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}${options.quick ? ' (quick)' : ''}${
    stop.signal.aborted ? ' — INTERRUPTED' : ''
  }`,
  `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; ` +
    `load average ${machine.loadAverageAtStart.toFixed(2)} → ${loadAtEnd.toFixed(2)}; ` +
    `CPU calibration (SHA-256 of 16 MiB ×${calibration.n}) cv ${percent(calibration.cv)}, spread ${percent(calibration.spread)}; ` +
    `total ${(totalMs / 1000).toFixed(0)} s.`,
];
process.stdout.write(`${renderTable(header, entries).join('\n')}\n`);
await writeResults(options.out, {
  generatedAt: new Date().toISOString(),
  options,
  interrupted: stop.signal.aborted,
  durationMs: totalMs,
  machine: { ...machine, loadAverageAtEnd: loadAtEnd, cpuCalibrationMs: calibration },
  scenarios: results,
});
log(`results written to ${options.out}`);
process.exit(stop.signal.aborted ? 130 : entries.some((e) => e.error !== undefined) ? 1 : 0);
