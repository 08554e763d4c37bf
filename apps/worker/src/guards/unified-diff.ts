/**
 * A small parser of `git diff` unified output, enough for the pre-push guards: per file its paths,
 * whether it was added/deleted/renamed, and the added lines with their new line numbers. Hunk
 * lengths are honoured, so content lines that look like headers (`+++ x`, `--- y`) are read as content.
 */

/** One added line. */
export interface AddedLine {
  /** Line number in the new file (1-based). */
  line: number;
  text: string;
}

/** One file of a diff. */
export interface DiffFile {
  /** Path before the change (undefined for added files). */
  oldPath: string | undefined;
  /** Path after the change (undefined for deleted files). */
  newPath: string | undefined;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  binary: boolean;
  added: AddedLine[];
  /** Number of removed lines. */
  removedCount: number;
}

const OCTAL_ESCAPE = /\\([0-7]{3})|\\(.)/g;
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  r: '\r',
  v: '\v',
};

/** Undoes git's C-style quoting of unusual path names (`"a/\303\251.txt"`). Pure. */
export function unquoteGitPath(raw: string): string {
  if (!(raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2)) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  let last = 0;
  for (const match of body.matchAll(OCTAL_ESCAPE)) {
    bytes.push(...Buffer.from(body.slice(last, match.index)));
    if (match[1] !== undefined) bytes.push(Number.parseInt(match[1], 8));
    else bytes.push(...Buffer.from(SIMPLE_ESCAPES[match[2]!] ?? match[2]!));
    last = match.index + match[0].length;
  }
  bytes.push(...Buffer.from(body.slice(last)));
  return Buffer.from(bytes).toString('utf8');
}

function stripPrefix(p: string): string | undefined {
  const path = unquoteGitPath(p.trim().replace(/\t.*$/, ''));
  if (path === '/dev/null') return undefined;
  return path.replace(/^[abciwo]\//, '');
}

function headerPaths(rest: string): { oldPath: string; newPath: string } | undefined {
  // `diff --git a/x b/x`; quoted names are whole tokens; unquoted names are split in the middle " b/".
  const quoted = rest.match(/^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/);
  if (quoted && (rest.includes('"') || rest.split(' ').length === 2)) {
    return { oldPath: stripPrefix(quoted[1]!) ?? '', newPath: stripPrefix(quoted[2]!) ?? '' };
  }
  const middle = rest.indexOf(' b/');
  if (middle === -1) return undefined;
  return { oldPath: stripPrefix(rest.slice(0, middle)) ?? '', newPath: stripPrefix(rest.slice(middle + 1)) ?? '' };
}

/** Parses unified diff text (as produced by `git diff`, also several files). Pure; never throws. */
export function parseUnifiedDiff(diffText: string): DiffFile[] {
  const files: DiffFile[] = [];
  const lines = diffText.split('\n');
  let current: DiffFile | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;

  const start = (oldPath: string | undefined, newPath: string | undefined): DiffFile => {
    const file: DiffFile = { oldPath, newPath, status: 'modified', binary: false, added: [], removedCount: 0 };
    files.push(file);
    return file;
  };

  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (current !== undefined && (oldLeft > 0 || newLeft > 0)) {
      if (line.startsWith('+')) {
        current.added.push({ line: newLine, text: line.slice(1) });
        newLine++;
        newLeft--;
        continue;
      }
      if (line.startsWith('-')) {
        current.removedCount++;
        oldLeft--;
        continue;
      }
      if (line.startsWith(' ') || line === '') {
        newLine++;
        newLeft--;
        oldLeft--;
        continue;
      }
      if (line.startsWith('\\')) continue;
      // Anything else ends the hunk early (malformed counts); fall through to header parsing.
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ')) {
      const paths = headerPaths(line.slice('diff --git '.length));
      current = start(paths?.oldPath, paths?.newPath);
      continue;
    }
    if (line.startsWith('--- ')) {
      // A diff without `diff --git` headers starts a file here.
      if (current === undefined || current.added.length > 0 || current.removedCount > 0)
        current = start(undefined, undefined);
      current.oldPath = stripPrefix(line.slice(4));
      if (current.oldPath === undefined) current.status = 'added';
      continue;
    }
    if (current === undefined) continue;
    if (line.startsWith('+++ ')) {
      current.newPath = stripPrefix(line.slice(4));
      if (current.newPath === undefined) current.status = 'deleted';
    } else if (line.startsWith('new file mode')) current.status = 'added';
    else if (line.startsWith('deleted file mode')) current.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      current.status = 'renamed';
      current.oldPath = unquoteGitPath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      current.status = 'renamed';
      current.newPath = unquoteGitPath(line.slice('rename to '.length));
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') current.binary = true;
    else if (line.startsWith('@@')) {
      const hunk = line.match(/^@@+ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/);
      if (hunk) {
        oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
        newLine = Number(hunk[2]);
        newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
      }
    }
  }
  for (const file of files) {
    if (file.status === 'added') file.oldPath = undefined;
    if (file.status === 'deleted') file.newPath = undefined;
  }
  return files;
}

/** The path to report for a file: the new path, or the old one for deleted files. Pure. */
export function displayPath(file: DiffFile): string {
  return file.newPath ?? file.oldPath ?? '(unknown file)';
}
