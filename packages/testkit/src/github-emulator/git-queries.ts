import { runGit } from './git-cli.js';
import type { BranchInfo } from './types.js';

/**
 * Read-only questions about a bare repository, answered with git commands so that pushes made
 * through smart HTTP are visible at once. Every function throws `GitCommandError` when git fails
 * for a reason other than "not found".
 */

/**
 * True when `name` can be a branch name that is safe to splice into a revision expression: no
 * leading `-` (option injection) and none of the characters git gives meaning in revisions.
 */
export function isPlausibleBranchName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.lock')) return false;
  if (name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  return !/[\u0000-\u0020\u007f~^:?*[\\]/.test(name);
}

/** All branches, sorted by name. */
export async function listBranches(gitDir: string): Promise<BranchInfo[]> {
  const { stdout } = await runGit([
    '--git-dir',
    gitDir,
    'for-each-ref',
    '--format=%(refname)%00%(objectname)',
    'refs/heads/',
  ]);
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [ref = '', sha = ''] = line.split('\0');
      return { name: ref.slice('refs/heads/'.length), sha };
    });
}

/** Commit sha of `branch`, or null when there is no such branch. */
export async function branchSha(gitDir: string, branch: string): Promise<string | null> {
  if (!isPlausibleBranchName(branch)) return null;
  const { stdout, exitCode } = await runGit(
    ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`],
    { okExitCodes: [0, 1] },
  );
  return exitCode === 0 ? stdout.trim() : null;
}

/** Commit sha of a branch name or (abbreviated) commit sha, or null when it names nothing. */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | null> {
  const byBranch = await branchSha(gitDir, ref);
  if (byBranch) return byBranch;
  if (!/^[0-9a-f]{4,40}$/i.test(ref)) return null;
  const { stdout, exitCode } = await runGit(
    ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
    {
      okExitCodes: [0, 1, 128],
    },
  );
  return exitCode === 0 ? stdout.trim() : null;
}

/** Number of commits reachable from `head` but not from `base` (`git rev-list --count base..head`). */
export async function commitsAhead(gitDir: string, baseSha: string, headSha: string): Promise<number> {
  const { stdout } = await runGit(['--git-dir', gitDir, 'rev-list', '--count', `${baseSha}..${headSha}`]);
  return Number.parseInt(stdout.trim(), 10);
}

/** Author, committer and message of a commit. */
export interface CommitDetails {
  sha: string;
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

/** Details of one commit. */
export async function commitDetails(gitDir: string, sha: string): Promise<CommitDetails> {
  const format = ['%H', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%B'].join('%x00');
  const { stdout } = await runGit(['--git-dir', gitDir, 'show', '-s', `--format=${format}`, sha]);
  const [full = sha, an = '', ae = '', ad = '', cn = '', ce = '', cd = '', ...message] = stdout.split('\0');
  return {
    sha: full,
    message: message.join('\0').replace(/\n+$/, ''),
    author: { name: an, email: ae, date: toGitHubDate(ad) },
    committer: { name: cn, email: ce, date: toGitHubDate(cd) },
  };
}

function toGitHubDate(isoWithOffset: string): string {
  const date = new Date(isoWithOffset);
  return Number.isNaN(date.getTime()) ? isoWithOffset : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Unified diff of what `head` adds on top of its merge base with `base` (`git diff base...head`). */
export async function threeDotDiff(gitDir: string, baseSha: string, headSha: string): Promise<string> {
  const { stdout } = await runGit([
    '--git-dir',
    gitDir,
    'diff',
    '--no-color',
    '--no-ext-diff',
    '-M',
    `${baseSha}...${headSha}`,
  ]);
  return stdout;
}

/** One file of a three-dot diff, in GitHub's vocabulary. */
export interface ChangedFile {
  filename: string;
  previousFilename?: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';
  /** Blob sha of the new version (all zeros for a removed file). */
  sha: string;
  additions: number;
  deletions: number;
  /** Hunks only (from the first `@@`), absent for binary files. */
  patch?: string;
}

const statusNames: Record<string, ChangedFile['status']> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'changed',
};

/** Files changed by `head` relative to its merge base with `base`, in git's path order. */
export async function changedFiles(gitDir: string, baseSha: string, headSha: string): Promise<ChangedFile[]> {
  const range = `${baseSha}...${headSha}`;
  const common = ['--git-dir', gitDir, 'diff', '--no-color', '--no-ext-diff', '-M'];
  const [raw, numstat, patch] = await Promise.all([
    runGit([...common, '--raw', '--no-abbrev', '-z', range]),
    runGit([...common, '--numstat', '-z', range]),
    runGit([...common, '--patch', range]),
  ]);
  const files = parseRaw(raw.stdout);
  const counts = parseNumstat(numstat.stdout);
  const patches = splitPatch(patch.stdout);
  return files.map((file, i) => {
    const count = counts[i];
    const hunks = patches[i];
    return {
      ...file,
      additions: count?.additions ?? 0,
      deletions: count?.deletions ?? 0,
      ...(hunks === undefined ? {} : { patch: hunks }),
    };
  });
}

function parseRaw(text: string): Omit<ChangedFile, 'additions' | 'deletions' | 'patch'>[] {
  const tokens = text.split('\0');
  const files: Omit<ChangedFile, 'additions' | 'deletions' | 'patch'>[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const meta = tokens[i];
    if (!meta?.startsWith(':')) continue;
    // `:<old mode> <new mode> <old sha> <new sha> <status><score>`
    const fields = meta.slice(1).split(' ');
    const newSha = fields[3] ?? '';
    const letter = (fields[4] ?? 'M').charAt(0);
    const status = statusNames[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      files.push({ previousFilename: tokens[i + 1] ?? '', filename: tokens[i + 2] ?? '', status, sha: newSha });
      i += 2;
    } else {
      files.push({ filename: tokens[i + 1] ?? '', status, sha: newSha });
      i += 1;
    }
  }
  return files;
}

function parseNumstat(text: string): { additions: number; deletions: number }[] {
  const tokens = text.split('\0');
  const counts: { additions: number; deletions: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    const [added = '0', deleted = '0', path = ''] = token.split('\t');
    // Binary files count as `-`; GitHub reports 0 for them.
    counts.push({ additions: Number.parseInt(added, 10) || 0, deletions: Number.parseInt(deleted, 10) || 0 });
    // A rename has an empty path here followed by the old and new paths as their own tokens.
    if (path === '') i += 2;
  }
  return counts;
}

function splitPatch(text: string): (string | undefined)[] {
  // Content lines always start with ' ', '+', '-' or '\', so a line starting with `diff --git`
  // is always a file header.
  const sections = text.split(/^(?=diff --git )/m).filter((s) => s.startsWith('diff --git '));
  return sections.map((section) => {
    const start = section.search(/^@@ /m);
    return start === -1 ? undefined : section.slice(start).replace(/\n$/, '');
  });
}

/** UTF-8 text of `path` at commit `sha`, or null when the file does not exist there. */
export async function readBlobText(gitDir: string, sha: string, path: string): Promise<string | null> {
  const clean = path.replace(/^\/+/, '');
  if (clean.length === 0 || clean.split('/').includes('..')) return null;
  const args = ['--git-dir', gitDir, 'cat-file', 'blob', `${sha}:${clean}`];
  const { stdout, exitCode } = await runGit(args, { okExitCodes: [0, 128] });
  return exitCode === 0 ? stdout : null;
}
