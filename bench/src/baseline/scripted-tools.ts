/**
 * The agent tools of PRODUCT.md §6 in their plainest form, for the baseline: same names and
 * parameter schemas (so the scripted model accepts them), no path-safety layers, no output caps
 * beyond the obvious. Only what a scripted run on a fixture needs to be real work: files are
 * really read and edited, tests really run.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LlmToolDefinition } from '@khitomer/integrations';
import { runNpmTest } from './test-command.js';

function strictObject(properties: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

const nullableString = { type: ['string', 'null'] };
const nullableInteger = { type: ['integer', 'null'] };

/** The eight tool definitions, shaped like the product's. */
export const BASELINE_TOOLS: LlmToolDefinition[] = [
  { name: 'list_files', description: 'List one directory.', parameters: strictObject({ path: nullableString }) },
  {
    name: 'read_file',
    description: 'Read a file with line numbers.',
    parameters: strictObject({ path: { type: 'string' }, start_line: nullableInteger, end_line: nullableInteger }),
  },
  {
    name: 'search_code',
    description: 'Search with a regular expression.',
    parameters: strictObject({ query: { type: 'string' }, path: nullableString }),
  },
  {
    name: 'write_file',
    description: 'Write a file.',
    parameters: strictObject({ path: { type: 'string' }, content: { type: 'string' } }),
  },
  {
    name: 'edit_file',
    description: 'Replace a unique string in a file.',
    parameters: strictObject({
      path: { type: 'string' },
      old_string: { type: 'string' },
      new_string: { type: 'string' },
    }),
  },
  { name: 'delete_file', description: 'Delete a file.', parameters: strictObject({ path: { type: 'string' } }) },
  { name: 'run_tests', description: 'Run the tests.', parameters: strictObject({}) },
  { name: 'finish', description: 'End the work.', parameters: strictObject({ summary: { type: 'string' } }) },
];

/** What executing one call produced. */
export interface ToolOutcome {
  content: string;
  /** Set by `finish`. */
  finished?: string;
}

function stringArg(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string') throw new Error(`${name} must be a string`);
  return value;
}

/**
 * Executes one tool call in `root`. Tool errors become `Error: …` results (as in the product);
 * never throws.
 */
export async function executeBaselineTool(root: string, name: string, rawArguments: string): Promise<ToolOutcome> {
  try {
    const args = JSON.parse(rawArguments) as Record<string, unknown>;
    const at = (p: unknown) => path.join(root, typeof p === 'string' ? p : '');
    switch (name) {
      case 'list_files': {
        const entries = await readdir(at(args.path), { withFileTypes: true });
        return {
          content: entries
            .filter((e) => e.name !== '.git')
            .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
            .sort()
            .join('\n'),
        };
      }
      case 'read_file': {
        const lines = (await readFile(at(stringArg(args, 'path')), 'utf8')).split('\n');
        return { content: lines.map((line, i) => `${i + 1}\t${line}`).join('\n') };
      }
      case 'search_code':
        return { content: 'search_code is not used by the scripted baseline run' };
      case 'write_file':
        await writeFile(at(stringArg(args, 'path')), stringArg(args, 'content'));
        return { content: 'ok' };
      case 'edit_file': {
        const file = at(stringArg(args, 'path'));
        const text = await readFile(file, 'utf8');
        const oldString = stringArg(args, 'old_string');
        if (text.split(oldString).length !== 2) return { content: 'Error: old_string is missing or not unique' };
        await writeFile(file, text.replace(oldString, stringArg(args, 'new_string')));
        return { content: 'ok' };
      }
      case 'delete_file':
        await rm(at(stringArg(args, 'path')));
        return { content: 'ok' };
      case 'run_tests': {
        const result = await runNpmTest(root);
        return { content: `exit code ${result.exitCode}\n${result.outputTail}` };
      }
      case 'finish': {
        const summary = stringArg(args, 'summary');
        return { content: 'ok', finished: summary };
      }
      default:
        return { content: `Error: unknown tool ${name}` };
    }
  } catch (err) {
    return { content: `Error: ${err instanceof Error ? err.message : String(err)}` };
  }
}
