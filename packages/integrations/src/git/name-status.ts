/**
 * Parses `git diff --name-status -z` output into `ChangedFile`s.
 */
import type { ChangedFile } from '../git-workspace.js';

function statusOf(letter: string): ChangedFile['status'] {
  switch (letter) {
    case 'A':
    case 'C':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return 'renamed';
    default:
      return 'modified';
  }
}

/**
 * Parses NUL-separated name-status records (`M\0path\0`, `R100\0old\0new\0`). Renames and copies
 * report the new path. Pure; ignores malformed trailing fields.
 */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++]?.trim() ?? '';
    if (code === '') continue;
    const letter = code[0] ?? 'M';
    const twoPaths = letter === 'R' || letter === 'C';
    if (twoPaths) i++; // old path
    const path = fields[i++];
    if (path === undefined || path === '') break;
    files.push({ path, status: statusOf(letter) });
  }
  return files;
}
