/**
 * `read_file(path, start_line?, end_line?)`: numbered lines of a text file, capped per call by
 * lines and bytes with a notice saying how to continue. Binary files are refused; files larger than
 * `readMaxFileBytes` are only read with an explicit line range (and then streamed, never loaded whole).
 */
import { stat } from 'node:fs/promises';
import { resolveSafePath } from '../path-safety.js';
import { isProbablyBinary, readHead, streamLines } from './text-file.js';
import { nullable, optionalPositiveInteger, requireString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

/** The `read_file` tool. Read-only; file-system problems become `Error:` results. */
export const readFileTool: AgentTool = {
  definition: {
    name: 'read_file',
    description:
      'Read a text file of the repository with line numbers ("<n>\\t<text>"). Long files are truncated ' +
      'with a notice; pass start_line/end_line (1-based, inclusive) to read a range.',
    parameters: strictObject({
      path: { type: 'string', description: 'File path relative to the repository root.' },
      start_line: nullable('integer', 'First line to read (1-based); null for the beginning.'),
      end_line: nullable('integer', 'Last line to read (inclusive); null for as far as the limits allow.'),
    }),
  },
  async execute(args, ctx) {
    const requested = requireString(args, 'path');
    const startLine = optionalPositiveInteger(args, 'start_line');
    const endLine = optionalPositiveInteger(args, 'end_line');
    if (startLine !== undefined && endLine !== undefined && endLine < startLine) {
      return toolError(`end_line (${endLine}) is before start_line (${startLine})`);
    }
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    const shown = resolved.relativePath;
    const { limits } = ctx;

    let size: number;
    try {
      const info = await stat(resolved.absolutePath);
      if (info.isDirectory()) return toolError(`"${shown || '.'}" is a directory; use list_files`);
      if (!info.isFile()) return toolError(`"${shown}" is not a regular file`);
      size = info.size;
      if (isProbablyBinary(await readHead(resolved.absolutePath))) {
        return toolError(`"${shown}" is a binary file (${size} bytes); it cannot be shown as text`);
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') return toolError(`file "${shown}" does not exist`);
      return toolError(`cannot read "${shown}" (${code ?? 'unknown error'})`);
    }

    const large = size > limits.readMaxFileBytes;
    if (large && startLine === undefined && endLine === undefined) {
      return toolError(
        `"${shown}" is ${size} bytes, too large to read whole (limit ${limits.readMaxFileBytes}); ` +
          `read a range with start_line/end_line (at most ${limits.readMaxLines} lines per call), ` +
          'or use search_code to find the lines you need',
      );
    }

    const first = startLine ?? 1;
    const out: string[] = [];
    let bytes = 0;
    let last = first - 1;
    let capped: 'lines' | 'bytes' | undefined;
    let result: { lines: number; complete: boolean };
    try {
      result = await streamLines(
        resolved.absolutePath,
        limits.maxLineChars,
        (n, text, truncated) => {
          if (n < first) return true;
          if (endLine !== undefined && n > endLine) return !large; // small files: keep counting for the total
          if (capped !== undefined) return !large; // keep counting lines of small files for the total
          const line = `${n}\t${text}${truncated ? ' … [line truncated]' : ''}`;
          const lineBytes = Buffer.byteLength(line) + 1;
          if (out.length >= limits.readMaxLines) capped = 'lines';
          else if (bytes + lineBytes > limits.readMaxBytes && out.length > 0) capped = 'bytes';
          if (capped !== undefined) return !large;
          out.push(line);
          bytes += lineBytes;
          last = n;
          return true;
        },
        ctx.signal,
      );
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      return toolError(`cannot read "${shown}" (${(err as { code?: string }).code ?? 'read error'})`);
    }

    const total = result.complete ? result.lines : undefined;
    if (total === 0) return toolOk(`${shown} is empty (0 lines)`);
    if (out.length === 0) {
      return toolError(
        total !== undefined
          ? `start_line ${first} is past the end of "${shown}" (${total} lines)`
          : `no lines found at start_line ${first} in "${shown}"`,
      );
    }
    const totalText = total !== undefined ? ` of ${total}` : ` (file is ${size} bytes; total line count not computed)`;
    const header = `${shown} — lines ${first}-${last}${totalText}`;
    const parts = [header, ...out];
    if (capped !== undefined) {
      const why = capped === 'bytes' ? `${limits.readMaxBytes} bytes` : `${limits.readMaxLines} lines`;
      parts.push(`[truncated at ${why} per call; call read_file with start_line=${last + 1} to continue]`);
    }
    return toolOk(parts.join('\n'));
  },
};
