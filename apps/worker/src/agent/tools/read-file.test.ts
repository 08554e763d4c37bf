import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileTool } from './read-file.js';
import type { ToolContext } from './tool-types.js';
import { DEFAULT_TOOL_LIMITS } from './tool-types.js';

let root: string;
let ctx: ToolContext;

const numbered = (n: number): string => `${Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n')}\n`;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'khitomer-read-'));
  ctx = { root, limits: { ...DEFAULT_TOOL_LIMITS }, runTests: async () => Promise.reject(new Error('unused')) };
  await writeFile(path.join(root, 'small.txt'), 'alpha\r\nbeta\ngamma');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('read_file', () => {
  it('returns numbered lines with a header', async () => {
    const out = await readFileTool.execute({ path: 'small.txt', start_line: null, end_line: null }, ctx);
    expect(out).toEqual({ ok: true, content: 'small.txt — lines 1-3 of 3\n1\talpha\n2\tbeta\n3\tgamma' });
  });

  it('reads a range', async () => {
    await writeFile(path.join(root, 'n.txt'), numbered(50));
    const out = await readFileTool.execute({ path: 'n.txt', start_line: 10, end_line: 12 }, ctx);
    expect(out.content).toBe('n.txt — lines 10-12 of 50\n10\tline 10\n11\tline 11\n12\tline 12');
  });

  it('caps lines per call with a notice telling where to continue', async () => {
    await writeFile(path.join(root, 'n.txt'), numbered(50));
    const out = await readFileTool.execute({ path: 'n.txt' }, { ...ctx, limits: { ...ctx.limits, readMaxLines: 20 } });
    const lines = out.content.split('\n');
    expect(lines[0]).toBe('n.txt — lines 1-20 of 50');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toMatch(/truncated at 20 lines.*start_line=21/);
  });

  it('caps bytes per call with a notice', async () => {
    await writeFile(path.join(root, 'n.txt'), numbered(50));
    const out = await readFileTool.execute({ path: 'n.txt' }, { ...ctx, limits: { ...ctx.limits, readMaxBytes: 100 } });
    expect(Buffer.byteLength(out.content)).toBeLessThan(250);
    expect(out.content).toMatch(/truncated at 100 bytes per call; call read_file with start_line=\d+/);
  });

  it('clips very long lines', async () => {
    await writeFile(path.join(root, 'long.txt'), `${'x'.repeat(10_000)}\nshort\n`);
    const out = await readFileTool.execute(
      { path: 'long.txt' },
      { ...ctx, limits: { ...ctx.limits, maxLineChars: 50 } },
    );
    expect(out.content).toContain(`1\t${'x'.repeat(50)} … [line truncated]`);
    expect(out.content).toContain('2\tshort');
  });

  it('refuses a large file without a range and suggests ranges', async () => {
    await writeFile(path.join(root, 'big.txt'), numbered(2000));
    const limits = { ...ctx.limits, readMaxFileBytes: 1000 };
    const out = await readFileTool.execute({ path: 'big.txt' }, { ...ctx, limits });
    expect(out.ok).toBe(false);
    expect(out.content).toMatch(/^Error: "big.txt" is \d+ bytes, too large.*start_line\/end_line/);
  });

  it('reads a range of a large file without computing the total', async () => {
    await writeFile(path.join(root, 'big.txt'), numbered(2000));
    const limits = { ...ctx.limits, readMaxFileBytes: 1000 };
    const out = await readFileTool.execute({ path: 'big.txt', start_line: 1500, end_line: 1501 }, { ...ctx, limits });
    expect(out.content).toMatch(
      /^big.txt — lines 1500-1501 \(file is \d+ bytes; total line count not computed\)\n1500\tline 1500\n1501\tline 1501$/,
    );
  });

  it.each([
    [{ path: 'bin.dat' }, /binary file/],
    [{ path: 'missing.txt' }, /does not exist/],
    [{ path: '.' }, /is a directory/],
    [{ path: '.git/config' }, /inside \.git/],
    [{ path: '../x' }, /leaves the repository/],
    [{ path: 'small.txt', start_line: 10 }, /past the end of "small.txt" \(3 lines\)/],
    [{ path: 'small.txt', start_line: 3, end_line: 2 }, /end_line \(2\) is before start_line \(3\)/],
    [{ path: 'small.txt', start_line: 0 }, /start_line" must be an integer/],
    [{ path: 'small.txt', start_line: '2' }, /start_line" must be an integer/],
  ])('errors for %j', async (args, message) => {
    await writeFile(path.join(root, 'bin.dat'), Buffer.from([1, 2, 0, 3]));
    const run = async (): Promise<string> => {
      try {
        return (await readFileTool.execute(args, ctx)).content;
      } catch (err) {
        // Argument errors are thrown by helpers and turned into results by the dispatcher.
        return `Error: ${(err as Error).message}`;
      }
    };
    const content = await run();
    expect(content).toMatch(/^Error: /);
    expect(content).toMatch(message);
  });

  it('reports an empty file', async () => {
    await writeFile(path.join(root, 'empty.txt'), '');
    expect((await readFileTool.execute({ path: 'empty.txt' }, ctx)).content).toBe('empty.txt is empty (0 lines)');
  });
});
