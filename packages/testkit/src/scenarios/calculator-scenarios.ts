import type { ScenarioStep } from '../llm-emulator/index.js';

/**
 * Scripted agent runs on the `calculator-js` fixture (its `add` subtracts; one test fails).
 * Arguments follow the agent's strict tool schemas: every property present, optional ones null.
 */

/** Single agent steps on the calculator, for tests that compose their own runs. */
export const CALCULATOR_STEPS = {
  listFiles: { toolCalls: [{ name: 'list_files', arguments: { path: null } }] },
  readCalculator: {
    toolCalls: [{ name: 'read_file', arguments: { path: 'src/calculator.js', start_line: null, end_line: null } }],
  },
  fixAdd: {
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
  },
  runTests: { toolCalls: [{ name: 'run_tests', arguments: {} }] },
  finish: { toolCalls: [{ name: 'finish', arguments: { summary: 'add() returns the sum.' } }] },
} as const satisfies Record<string, ScenarioStep>;

/** The short path: read, fix `add`, finish — three model calls. */
export function calculatorQuickFixScenario(): ScenarioStep[] {
  return [CALCULATOR_STEPS.readCalculator, CALCULATOR_STEPS.fixAdd, CALCULATOR_STEPS.finish];
}

/**
 * The happy path: list, read, fix `add`, run the tests, finish — six model calls in all.
 */
export function calculatorFixScenario(): ScenarioStep[] {
  return [
    CALCULATOR_STEPS.listFiles,
    CALCULATOR_STEPS.readCalculator,
    CALCULATOR_STEPS.fixAdd,
    CALCULATOR_STEPS.runTests,
    { toolCalls: [{ name: 'finish', arguments: { summary: 'Fixed add() so it adds instead of subtracting.' } }] },
  ];
}

/** A ticket whose agent run fixes the calculator, as seeded by the demo and the benchmark. */
export const CALCULATOR_TICKET = {
  summary: 'Fix add() in the calculator',
  description:
    'add(2, 3) returns -1 instead of 5. Make add() return the sum of its arguments; the existing test in test/calculator.test.js shows the expected behaviour.',
} as const;
