/**
 * `list_files(path?)`: the entries of one directory, folders with a `/` suffix, `.git` skipped,
 * capped with a notice.
 */
import { readdir, stat } from 'node:fs/promises';
import { resolveSafePath } from '../path-safety.js';
import { nullable, optionalString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

const GIT_ENTRY = /^\.git$/i;

/** The `list_files` tool. Read-only; never throws for file-system problems (they become `Error:` results). */
export const listFilesTool: AgentTool = {
  definition: {
    name: 'list_files',
    description:
      'List the entries of one directory of the repository (not recursive). Folders end with "/". ' +
      'Path is relative to the repository root; omit it (null) for the root.',
    parameters: strictObject({
      path: nullable('string', 'Directory relative to the repository root; null for the root.'),
    }),
  },
  async execute(args, ctx) {
    const requested = optionalString(args, 'path') ?? '';
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    const shown = resolved.relativePath === '' ? '.' : resolved.relativePath;
    let entries: string[];
    try {
      const info = await stat(resolved.absolutePath);
      if (!info.isDirectory()) return toolError(`"${shown}" is a file, not a directory; use read_file to read it`);
      const dirents = await readdir(resolved.absolutePath, { withFileTypes: true });
      entries = dirents
        .filter((d) => !GIT_ENTRY.test(d.name))
        .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') return toolError(`directory "${shown}" does not exist`);
      return toolError(`cannot list "${shown}" (${code ?? 'unknown error'})`);
    }
    if (entries.length === 0) return toolOk(`${shown}/ is empty`);
    const limit = ctx.limits.listMaxEntries;
    const lines = entries.slice(0, limit);
    if (entries.length > limit) {
      lines.push(
        `[list truncated: showing ${limit} of ${entries.length} entries; list a subdirectory or use search_code]`,
      );
    }
    return toolOk(lines.join('\n'));
  },
};
