/**
 * The scripted agent run on the big repository: it explores the way a real model does on a large
 * tree (root listing, a folder with more entries than one listing shows, a file over the whole-file
 * limit, a file over one read's cap, a tree-wide search), then fixes the calculator and finishes.
 */
import type { ScenarioStep } from '@khitomer/testkit/llm';

/** The fix of the calculator fixture, also on the big repository. */
const FIX = {
  path: 'src/calculator.js',
  old_string: 'export function add(a, b) {\n  return a - b;\n}',
  new_string: 'export function add(a, b) {\n  return a + b;\n}',
};

/** Ten model calls with the plan: nine tool calls, the last one `finish`. */
export function bigRepoAgentScenario(): ScenarioStep[] {
  const read = (path: string): ScenarioStep => ({
    toolCalls: [{ name: 'read_file', arguments: { path, start_line: null, end_line: null } }],
  });
  return [
    { toolCalls: [{ name: 'list_files', arguments: { path: null } }] },
    { toolCalls: [{ name: 'list_files', arguments: { path: 'locales' } }] },
    read('data/huge.json'),
    read('docs/big-notes.md'),
    { toolCalls: [{ name: 'search_code', arguments: { query: 'export function add', path: null } }] },
    read('src/calculator.js'),
    { toolCalls: [{ name: 'edit_file', arguments: FIX }] },
    { toolCalls: [{ name: 'run_tests', arguments: {} }] },
    { toolCalls: [{ name: 'finish', arguments: { summary: 'Fixed add() in src/calculator.js; tests pass.' } }] },
  ];
}
