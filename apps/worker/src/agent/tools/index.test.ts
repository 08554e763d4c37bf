import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolContext } from './index.js';
import { AGENT_TOOL_NAMES, agentToolDefinitions, DEFAULT_TOOL_LIMITS, executeToolCall } from './index.js';

let root: string;
let ctx: ToolContext;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'khitomer-tools-'));
  await writeFile(path.join(root, 'a.txt'), 'hello\n');
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tool definitions', () => {
  it('are exactly the tools and parameters of PRODUCT.md §6', () => {
    const params = Object.fromEntries(
      agentToolDefinitions().map((d) => [d.name, Object.keys((d.parameters as { properties: object }).properties)]),
    );
    expect(params).toEqual({
      list_files: ['path'],
      read_file: ['path', 'start_line', 'end_line'],
      search_code: ['query', 'path'],
      write_file: ['path', 'content'],
      edit_file: ['path', 'old_string', 'new_string'],
      delete_file: ['path'],
      run_tests: [],
      finish: ['summary'],
    });
    expect(AGENT_TOOL_NAMES).toEqual(Object.keys(params));
  });

  it('are strict-mode compatible: every property required, no additional properties, optional ones nullable', () => {
    for (const def of agentToolDefinitions()) {
      const schema = def.parameters as {
        type: string;
        properties: Record<string, { type: unknown }>;
        required: string[];
        additionalProperties: boolean;
      };
      expect(schema.type).toBe('object');
      expect(schema.additionalProperties).toBe(false);
      expect(schema.required).toEqual(Object.keys(schema.properties));
      expect(def.description.length).toBeGreaterThan(10);
    }
    const optional = ['list_files.path', 'read_file.start_line', 'read_file.end_line', 'search_code.path'];
    for (const def of agentToolDefinitions()) {
      for (const [name, prop] of Object.entries(
        (def.parameters as { properties: Record<string, { type: unknown }> }).properties,
      )) {
        const nullable = Array.isArray(prop.type) && prop.type.includes('null');
        expect(nullable, `${def.name}.${name}`).toBe(optional.includes(`${def.name}.${name}`));
      }
    }
  });
});

describe('executeToolCall', () => {
  it('runs a tool', async () => {
    expect(await executeToolCall('read_file', '{"path":"a.txt"}', ctx)).toMatchObject({ ok: true });
  });

  it.each([
    ['read_file', '{"path": "a.txt"', /^Error: read_file: arguments are not valid JSON/],
    ['read_file', '[1,2]', /^Error: read_file: arguments must be a JSON object/],
    ['read_file', '{}', /^Error: read_file: missing required argument "path"/],
    ['read_file', '{"path": 3}', /^Error: read_file: argument "path" must be a string/],
    ['rm_rf', '{}', /^Error: unknown tool "rm_rf"; available tools: list_files, /],
    ['finish', '{"summary": ""}', /^Error: finish: argument "summary" must not be empty/],
  ])('%s %s → error result', async (name, args, message) => {
    const out = await executeToolCall(name, args, ctx);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(message);
  });

  it('accepts empty arguments for tools without parameters', async () => {
    const out = await executeToolCall('list_files', '', ctx);
    expect(out).toEqual({ ok: true, content: 'a.txt' });
  });

  it('returns the finish summary', async () => {
    expect(await executeToolCall('finish', '{"summary":" did it "}', ctx)).toEqual({
      ok: true,
      content: 'OK: finishing',
      finishSummary: 'did it',
    });
  });

  it('throws when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(executeToolCall('list_files', '{}', { ...ctx, signal: controller.signal })).rejects.toThrow('stop');
  });
});
