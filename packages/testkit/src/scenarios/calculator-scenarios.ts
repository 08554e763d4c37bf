import type { ScenarioStep } from '../llm-emulator/index.js';

/**
 * Scripted agent runs on the `calculator-js` fixture (its `add` subtracts; one test fails).
 * Arguments follow the agent's strict tool schemas: every property present, optional ones null.
 */

const readCalculator: ScenarioStep = {
  toolCalls: [{ name: 'read_file', arguments: { path: 'src/calculator.js', start_line: null, end_line: null } }],
};

const fixAdd: ScenarioStep = {
  toolCalls: [
    {
      name: 'edit_file',
      arguments: {
        path: 'src/calculator.js',
        old_string: 'export function add(a, b) {\n  return a - b;\n}',
        new_string: 'export function add(a, b) {\n  return a + b;\n}',
      },
    },
  ],
};

/**
 * The happy path: list, read, fix `add`, run the tests, finish — six model calls in all.
 */
export function calculatorFixScenario(): ScenarioStep[] {
  return [
    { toolCalls: [{ name: 'list_files', arguments: { path: null } }] },
    readCalculator,
    fixAdd,
    { toolCalls: [{ name: 'run_tests', arguments: {} }] },
    { toolCalls: [{ name: 'finish', arguments: { summary: 'Fixed add() so it adds instead of subtracting.' } }] },
  ];
}

/** A ticket whose agent run fixes the calculator, as seeded by the demo and the benchmark. */
export const CALCULATOR_TICKET = {
  summary: 'Fix add() in the calculator',
  description:
    'add(2, 3) returns -1 instead of 5. Make add() return the sum of its arguments; the existing test in test/calculator.test.js shows the expected behaviour.',
} as const;
