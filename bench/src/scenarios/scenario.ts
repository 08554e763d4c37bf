/** What every benchmark scenario is and returns. */
import type { CleanupStack } from '../support/cleanup-stack.js';
import type { SharedResources } from './shared-resources.js';

/** Names accepted by `--only`. */
export const SCENARIO_NAMES = ['overhead', 'throughput', 'poll', 'clone', 'llm'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** A target a measured value is held against. */
export interface Target {
  op: '<=' | '>=' | '==';
  value: number;
}

/** One line of the results table. */
export interface MetricRow {
  /** What is measured, e.g. `product / baseline at the median`. */
  metric: string;
  /** The measured value; null when it could not be measured (counts as MISS against a target). */
  value: number | null;
  /** Unit shown after the value, e.g. `x`, `s`, `MB`, `requests`. */
  unit: string;
  /** Decimals shown (default 2). */
  digits?: number;
  target?: Target;
  /** Context shown under the table (noise, sample size, how it was measured). */
  note?: string;
}

/** A titled block of rows in the table. */
export interface ResultSection {
  title: string;
  rows: MetricRow[];
}

/** What a scenario hands back: table sections (usually one) plus raw data for the JSON file. */
export interface ScenarioOutcome {
  sections: ResultSection[];
  data: Record<string, unknown>;
}

/** What a scenario gets from the runner. */
export interface BenchContext {
  /** Fewer repetitions and tickets (`--quick`). */
  quick: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Progress line to stderr. */
  log(line: string): void;
  /** Everything started by the scenario is registered here and stopped by the runner. */
  cleanup: CleanupStack;
  /** Lazily created things several scenarios use (bundle, big repository runs). */
  shared: SharedResources;
}

/** A benchmark scenario. */
export interface Scenario {
  name: ScenarioName;
  /** Heading of its block in the table, e.g. `1. Orchestration overhead`. */
  title: string;
  /** Measures; rejects when the scenario cannot run at all (the runner reports it and goes on). */
  run(ctx: BenchContext): Promise<ScenarioOutcome>;
}
