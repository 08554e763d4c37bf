/** Command line of `pnpm bench`. */
import path from 'node:path';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios/scenario.js';
import { REPO_ROOT } from './support/app-process.js';

/** Parsed options. */
export interface BenchOptions {
  /** Scenarios to run, in the canonical order. */
  only: ScenarioName[];
  quick: boolean;
  /** Where the JSON results go. */
  out: string;
  help: boolean;
}

/** Usage text. */
export const USAGE = `Usage: pnpm bench [--only ${SCENARIO_NAMES.join(',')}] [--quick] [--out file.json]
  --only   run only these scenarios (comma-separated)
  --quick  fewer repetitions and tickets (a smoke run; some targets then do not apply)
  --out    JSON results file (default bench/results/latest.json)`;

/**
 * Parses `argv` (without node and script).
 * @throws Error with a readable message for unknown options or scenario names.
 */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    only: [...SCENARIO_NAMES],
    quick: false,
    out: path.join(REPO_ROOT, 'bench', 'results', 'latest.json'),
    help: false,
  };
  const args = [...argv];
  for (let arg = args.shift(); arg !== undefined; arg = args.shift()) {
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--') continue;
    if (flag === '--quick') options.quick = true;
    else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag === '--out') options.out = path.resolve(value());
    else if (flag === '--only') {
      const names = value()
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '');
      const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0)
        throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
      options.only = SCENARIO_NAMES.filter((n) => names.includes(n));
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}
