/** `delete_file(path)`: removes one file (not a folder) inside the clone. */
import { lstat, unlink } from 'node:fs/promises';
import { resolveSafePath } from '../path-safety.js';
import { requireString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

/** The `delete_file` tool. Problems (missing file, folder, refused path) become `Error:` results. */
export const deleteFileTool: AgentTool = {
  definition: {
    name: 'delete_file',
    description: 'Delete one file of the repository (folders cannot be deleted).',
    parameters: strictObject({
      path: { type: 'string', description: 'File path relative to the repository root.' },
    }),
  },
  async execute(args, ctx) {
    const requested = requireString(args, 'path');
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    if (resolved.relativePath === '') return toolError('path must name a file, not the repository root');
    const shown = resolved.relativePath;
    try {
      const info = await lstat(resolved.absolutePath);
      if (info.isDirectory()) return toolError(`"${shown}" is a directory; delete_file removes files only`);
      await unlink(resolved.absolutePath);
      return toolOk(`OK: deleted ${shown}`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return toolError(`file "${shown}" does not exist`);
      return toolError(`cannot delete "${shown}" (${code ?? 'unknown error'})`);
    }
  },
};
