/**
 * `write_file(path, content)`: creates or replaces a file inside the clone, creating missing parent
 * folders (only inside the clone: the path was checked, and symlinked parents leading out are refused).
 */
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveSafePath } from '../path-safety.js';
import { requireString, strictObject } from './tool-args.js';
import type { AgentTool } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

/** The `write_file` tool. Idempotent for equal content; problems become `Error:` results. */
export const writeFileTool: AgentTool = {
  definition: {
    name: 'write_file',
    description:
      'Create or overwrite a file with the given full content (parent folders are created). ' +
      'Prefer edit_file for changing part of an existing file.',
    parameters: strictObject({
      path: { type: 'string', description: 'File path relative to the repository root.' },
      content: { type: 'string', description: 'The complete new file content.' },
    }),
  },
  async execute(args, ctx) {
    const requested = requireString(args, 'path');
    const content = requireString(args, 'content', true);
    const size = Buffer.byteLength(content, 'utf8');
    if (size > ctx.limits.writeMaxBytes) {
      return toolError(`content is ${size} bytes; the limit is ${ctx.limits.writeMaxBytes} bytes per file`);
    }
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    if (resolved.relativePath === '') return toolError('path must name a file, not the repository root');
    const shown = resolved.relativePath;
    try {
      const existing = await lstat(resolved.absolutePath).catch(() => undefined);
      if (existing?.isDirectory()) return toolError(`"${shown}" is a directory`);
      await mkdir(path.dirname(resolved.absolutePath), { recursive: true });
      await writeFile(resolved.absolutePath, content, 'utf8');
      return toolOk(`OK: ${existing === undefined ? 'created' : 'updated'} ${shown} (${size} bytes)`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTDIR' || code === 'EEXIST') return toolError(`a parent of "${shown}" is a file, not a folder`);
      return toolError(`cannot write "${shown}" (${code ?? 'unknown error'})`);
    }
  },
};
