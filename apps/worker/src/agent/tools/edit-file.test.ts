import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countOccurrences, editFileTool } from './edit-file.js';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

let root: string;
let ctx: ToolContext;
const file = (): string => path.join(root, 'a.ts');

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'khitomer-edit-'));
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
  await writeFile(file(), 'const a = 1;\nconst b = 2;\nconst b2 = 2;\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('edit_file', () => {
  it('replaces a unique occurrence', async () => {
    const out = await editFileTool.execute(
      { path: 'a.ts', old_string: 'const a = 1;', new_string: 'const a = 10;' },
      ctx,
    );
    expect(out).toEqual({ ok: true, content: 'OK: edited a.ts (1 replacement at line 1)' });
    expect(await readFile(file(), 'utf8')).toBe('const a = 10;\nconst b = 2;\nconst b2 = 2;\n');
  });

  it('does not interpret $ patterns in new_string', async () => {
    await editFileTool.execute({ path: 'a.ts', old_string: 'const a = 1;', new_string: "const a = '$&$1';" }, ctx);
    expect(await readFile(file(), 'utf8')).toContain("const a = '$&$1';");
  });

  it('errors when old_string is missing, and leaves the file alone', async () => {
    const out = await editFileTool.execute({ path: 'a.ts', old_string: 'const z', new_string: 'x' }, ctx);
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^Error: old_string was not found in "a.ts" \(0 matches\)/);
    expect(await readFile(file(), 'utf8')).toBe('const a = 1;\nconst b = 2;\nconst b2 = 2;\n');
  });

  it('errors when old_string is not unique and says how many matches', async () => {
    const out = await editFileTool.execute({ path: 'a.ts', old_string: '= 2;', new_string: '= 3;' }, ctx);
    expect(out.content).toMatch(/^Error: old_string matches 2 times in "a.ts"/);
  });

  it('matches LF old_string against a CRLF file and keeps CRLF', async () => {
    await writeFile(file(), 'one\r\ntwo\r\nthree\r\n');
    const out = await editFileTool.execute({ path: 'a.ts', old_string: 'one\ntwo', new_string: 'uno\ndos' }, ctx);
    expect(out.ok).toBe(true);
    expect(await readFile(file(), 'utf8')).toBe('uno\r\ndos\r\nthree\r\n');
  });

  it.each([
    [{ path: 'missing.ts', old_string: 'a', new_string: 'b' }, /does not exist; use write_file/],
    [{ path: '.git/config', old_string: 'a', new_string: 'b' }, /inside \.git/],
    [{ path: 'a.ts', old_string: 'same', new_string: 'same' }, /identical/],
  ])('errors for %j', async (args, message) => {
    const out = await editFileTool.execute(args, ctx);
    expect(out.content).toMatch(/^Error: /);
    expect(out.content).toMatch(message);
  });

  it('refuses files over the edit cap', async () => {
    const out = await editFileTool.execute(
      { path: 'a.ts', old_string: 'const a', new_string: 'let a' },
      { ...ctx, limits: { ...ctx.limits, editMaxFileBytes: 10 } },
    );
    expect(out.content).toMatch(/^Error: "a.ts" is \d+ bytes; files over 10 bytes cannot be edited/);
  });
});

describe('countOccurrences', () => {
  it.each([
    ['aaaa', 'aa', 2],
    ['abc', 'd', 0],
    ['x.x.x', '.', 2],
  ])('%s / %s → %d', (haystack, needle, count) => {
    expect(countOccurrences(haystack, needle)).toBe(count);
  });
});
