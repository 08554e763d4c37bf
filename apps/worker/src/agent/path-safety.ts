/**
 * The one place that turns a path chosen by the model into an absolute path inside the clone
 * (PRODUCT.md §6). Every agent tool and the repository-guidance reader go through it.
 *
 * Checks, in order: non-empty string without NUL bytes; not absolute (POSIX, Windows drive or UNC,
 * `~`); no `..` escape after normalisation; no `.git` component (any case, also NTFS-equivalent
 * spellings such as `.git.` or `git~1`); and finally the real path (symlinks resolved, also in the
 * parent chain and for targets that do not exist yet) must stay inside the clone and outside `.git`.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Why a path was refused. */
export type PathRefusalReason =
  | 'invalid'
  | 'nul_byte'
  | 'absolute'
  | 'escapes_root'
  | 'git_dir'
  | 'symlink_escape'
  | 'root_unavailable';

/**
 * A path that may be used: `absolutePath` is inside the clone, `relativePath` is POSIX-style ('' = root),
 * `root` is the clone's real path.
 */
export interface SafePath {
  ok: true;
  absolutePath: string;
  relativePath: string;
  root: string;
}

/** A refused path; `message` is meant for the model and never contains file contents. */
export interface PathRefusal {
  ok: false;
  reason: PathRefusalReason;
  message: string;
}

/** Result of {@link resolveSafePath}. */
export type PathResolution = SafePath | PathRefusal;

const GIT_DIR_COMPONENT = /^(?:\.git[. ]*|git~\d+)$/i;

function refuse(reason: PathRefusalReason, message: string): PathRefusal {
  return { ok: false, reason, message };
}

function isErrnoCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: unknown }).code as string);
}

function hasGitComponent(relative: string): boolean {
  return relative.split('/').some((part) => GIT_DIR_COMPONENT.test(part));
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Lexical part of the check: normalises `requested` into a POSIX relative path ('' for the root).
 * Backslashes are treated as separators, so `src\\a.ts` means `src/a.ts`.
 */
function normaliseLexically(requested: unknown): { ok: true; relative: string } | PathRefusal {
  if (typeof requested !== 'string') return refuse('invalid', 'path must be a string');
  if (requested.includes('\0')) return refuse('nul_byte', 'path must not contain NUL bytes');
  const slashed = requested.replace(/\\/g, '/').trim();
  if (
    path.posix.isAbsolute(slashed) ||
    /^[A-Za-z]:/.test(slashed) ||
    slashed.startsWith('~') ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(slashed)
  ) {
    return refuse(
      'absolute',
      `path "${requested}" is absolute; use a path relative to the repository root (e.g. "src/index.ts")`,
    );
  }
  const normalised = path.posix.normalize(slashed === '' ? '.' : slashed);
  if (normalised === '..' || normalised.startsWith('../')) {
    return refuse('escapes_root', `path "${requested}" leaves the repository; only paths inside it are allowed`);
  }
  const relative = normalised === '.' || normalised === './' ? '' : normalised.replace(/\/+$/, '');
  if (hasGitComponent(relative)) {
    return refuse('git_dir', `path "${requested}" is inside .git; the git directory cannot be read or changed`);
  }
  return { ok: true, relative };
}

/** Deepest existing prefix of `absolute` (by lstat) and the components below it that do not exist. */
async function splitExisting(root: string, relative: string): Promise<{ existing: string; missing: string[] }> {
  const parts = relative === '' ? [] : relative.split('/');
  let existing = root;
  for (let i = 0; i < parts.length; i++) {
    const next = path.join(existing, parts[i]!);
    try {
      await lstat(next);
      existing = next;
    } catch (err) {
      if (isErrnoCode(err, 'ENOENT', 'ENOTDIR')) return { existing, missing: parts.slice(i) };
      throw err;
    }
  }
  return { existing, missing: [] };
}

/**
 * Resolves a tool path against the clone root.
 *
 * @param root - the clone directory (may itself sit behind a symlink, e.g. `/tmp` on macOS).
 * @param requested - the path the model sent, relative to the repository root; '' or '.' is the root.
 * @returns `{ok: true, absolutePath, relativePath, root}` or a typed refusal with a clear message.
 *   Never throws: unexpected file-system errors become a `symlink_escape`/`root_unavailable` refusal.
 *   Read-only; idempotent.
 */
export async function resolveSafePath(root: string, requested: unknown): Promise<PathResolution> {
  const lexical = normaliseLexically(requested);
  if (!lexical.ok) return lexical;

  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch {
    return refuse('root_unavailable', 'the repository directory is not available');
  }
  const absolutePath = lexical.relative === '' ? rootReal : path.join(rootReal, lexical.relative);

  try {
    const { existing, missing } = await splitExisting(rootReal, lexical.relative);
    let existingReal: string;
    try {
      existingReal = await realpath(existing);
    } catch (err) {
      if (!isErrnoCode(err, 'ENOENT', 'ELOOP')) throw err;
      // A dangling symlink: writing through it would create its target, wherever that is.
      const target = await readlink(existing).catch(() => '?');
      return refuse(
        'symlink_escape',
        `path "${String(requested)}" goes through a symlink whose target does not exist (${path.isAbsolute(target) ? 'absolute target' : 'relative target'}); refusing to follow it`,
      );
    }
    const realTarget = path.join(existingReal, ...missing);
    if (!isInside(rootReal, realTarget)) {
      return refuse(
        'symlink_escape',
        `path "${String(requested)}" goes through a symlink that leads outside the repository; refusing to follow it`,
      );
    }
    const realRelative = path.relative(rootReal, realTarget).split(path.sep).join('/');
    if (hasGitComponent(realRelative)) {
      return refuse(
        'git_dir',
        `path "${String(requested)}" resolves (through a symlink) into .git; the git directory cannot be read or changed`,
      );
    }
  } catch {
    return refuse('symlink_escape', `path "${String(requested)}" could not be checked safely; refusing it`);
  }
  return { ok: true, absolutePath, relativePath: lexical.relative, root: rootReal };
}
