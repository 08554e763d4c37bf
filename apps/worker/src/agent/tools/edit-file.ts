/**
 * `edit_file(path, old_string, new_string)`: replaces exactly one occurrence of `old_string`.
 * Missing or ambiguous matches are errors that say how many were found. A file with CRLF line ends
 * also matches an `old_string` written with LF.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { resolveSafePath } from '../path-safety.js';
import { isProbablyBinary } from './text-file.js';
import { requireString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

/** Non-overlapping occurrences of `needle` in `haystack` (needle non-empty); stops counting at `stopAt`. */
export function countOccurrences(haystack: string, needle: string, stopAt = Number.POSITIVE_INFINITY): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at === -1 || count >= stopAt) return count;
    count++;
    from = at + needle.length;
  }
}

/** The `edit_file` tool. Not idempotent (a second identical call finds no match); problems become `Error:` results. */
export const editFileTool: AgentTool = {
  definition: {
    name: 'edit_file',
    description:
      'Replace exactly one occurrence of old_string with new_string in a file. old_string must match ' +
      'the file text exactly (whitespace included) and be unique: add surrounding lines to make it unique.',
    parameters: strictObject({
      path: { type: 'string', description: 'File path relative to the repository root.' },
      old_string: { type: 'string', description: 'Exact text to replace (must occur exactly once).' },
      new_string: { type: 'string', description: 'Replacement text (may be empty to delete).' },
    }),
  },
  async execute(args, ctx) {
    const requested = requireString(args, 'path');
    let oldString = requireString(args, 'old_string');
    let newString = requireString(args, 'new_string', true);
    if (oldString === newString) return toolError('old_string and new_string are identical; nothing to change');
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    const shown = resolved.relativePath;
    let text: string;
    try {
      const info = await stat(resolved.absolutePath);
      if (info.isDirectory()) return toolError(`"${shown || '.'}" is a directory`);
      if (info.size > ctx.limits.editMaxFileBytes) {
        return toolError(
          `"${shown}" is ${info.size} bytes; files over ${ctx.limits.editMaxFileBytes} bytes cannot be edited`,
        );
      }
      const raw = await readFile(resolved.absolutePath);
      if (isProbablyBinary(raw.subarray(0, 8192))) return toolError(`"${shown}" is a binary file`);
      text = raw.toString('utf8');
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') return toolError(`file "${shown}" does not exist; use write_file to create it`);
      return toolError(`cannot read "${shown}" (${code ?? 'unknown error'})`);
    }

    let count = countOccurrences(text, oldString);
    if (count === 0 && text.includes('\r\n') && oldString.includes('\n') && !oldString.includes('\r\n')) {
      const crlfOld = oldString.replace(/\n/g, '\r\n');
      const crlfCount = countOccurrences(text, crlfOld);
      if (crlfCount > 0) {
        oldString = crlfOld;
        newString = newString.replace(/\r?\n/g, '\r\n');
        count = crlfCount;
      }
    }
    if (count === 0) {
      return toolError(
        `old_string was not found in "${shown}" (0 matches); read the file again and copy the text exactly, including whitespace`,
      );
    }
    if (count > 1) {
      return toolError(
        `old_string matches ${count} times in "${shown}"; it must be unique — include more surrounding lines`,
      );
    }
    const at = text.indexOf(oldString);
    const updated = text.slice(0, at) + newString + text.slice(at + oldString.length);
    const line = text.slice(0, at).split('\n').length;
    try {
      await writeFile(resolved.absolutePath, updated, 'utf8');
    } catch (err) {
      return toolError(`cannot write "${shown}" (${(err as { code?: string }).code ?? 'unknown error'})`);
    }
    return toolOk(`OK: edited ${shown} (1 replacement at line ${line})`);
  },
};
