/**
 * Reads the repository custom field of a Jira ticket (PRODUCT.md §4.2) and explains, in words a
 * ticket author can act on, why a value cannot be used.
 *
 * Accepted (after trimming; invisible characters are dropped):
 * - `owner/repo`, `owner/repo.git`, `github.com/owner/repo` (a host-like first part);
 * - `https://github.com/owner/repo`, `http(s)://<any host[:port]>/owner/repo(.git)` (GitHub
 *   Enterprise, test servers); a trailing slash and a query string (`?tab=…`) are ignored;
 * - SSH clone addresses `git@host:owner/repo.git` and `ssh://git@host[:port]/owner/repo.git`:
 *   people paste what the "Code" button shows, and the form says nothing more than owner/repo;
 * - each optionally followed by `#branch`, the base branch (everything after the first `#`).
 * The host is reported but not checked here: the repository is looked up through the configured
 * GitHub API, whatever host the value names.
 */
import type { RepositoryRef } from '@khitomer/contracts';
import { stripInvisible } from '@khitomer/integrations';

/** Result of {@link parseRepositoryReference}. */
export type RepositoryReferenceResult =
  | {
      ok: true;
      repository: RepositoryRef;
      /** Base branch from `#branch`; absent means the repository's default branch. */
      baseBranch?: string;
      /** Host named by a URL or SSH address (lower-case, with port), if any. Informational. */
      host?: string;
    }
  | {
      ok: false;
      /** What is wrong, followed by an example of a good value. Safe to show in a Jira comment. */
      problem: string;
    };

const GENERIC_HINT =
  'Write it as owner/repo, e.g. "acme/payments", or as the repository URL, e.g. ' +
  '"https://github.com/acme/payments"; to use a base branch other than the default, add "#" and ' +
  'the branch, e.g. "https://github.com/acme/payments#develop".';

const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$/;
const REPO_RE = /^[A-Za-z0-9._-]+$/;
const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const HOST_LIKE_RE = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?$/;
const REPO_PAGES = new Set([
  'tree',
  'blob',
  'commit',
  'commits',
  'pull',
  'pulls',
  'issues',
  'actions',
  'branches',
  'releases',
  'wiki',
  'settings',
]);
const MAX_OWNER = 39;
const MAX_REPO = 100;
const MAX_BRANCH = 255;
const MAX_ADF_NODES = 10_000;

/**
 * Parses the repository field's value. `value` is the raw Jira field value: a string, an ADF
 * document (rich-text field), a select option `{value}` (or `{name}`), or a one-element array of
 * those; `null`/`undefined` mean the field is empty. Validates GitHub's owner rules (letters,
 * digits, single inner hyphens, ≤ 39), repository rules (`[A-Za-z0-9._-]`, ≤ 100, not `.`/`..`;
 * a `.git` suffix is dropped) and git's branch-name rules. Pure; never throws.
 */
export function parseRepositoryReference(value: unknown): RepositoryReferenceResult {
  const extracted = fieldText(value);
  if (!extracted.ok) return extracted;
  const text = extracted.text;
  if (text === '') return failure('The field is empty.');
  if (text.includes('\n')) {
    return failure('The field holds more than one line; it must hold exactly one repository and nothing else.');
  }
  if (/\s/.test(text)) return failure(`${quote(text)} contains spaces; a repository reference has none.`);

  const hash = text.indexOf('#');
  const location = hash === -1 ? text : text.slice(0, hash);
  const branch = hash === -1 ? undefined : text.slice(hash + 1);

  const located = locate(location);
  if (!located.ok) return located;
  const { owner, name, host } = located;

  const ownerProblem = checkOwner(owner);
  if (ownerProblem) return { ok: false, problem: ownerProblem };
  const repoProblem = checkRepo(name);
  if (repoProblem) return { ok: false, problem: repoProblem };

  if (branch !== undefined) {
    const example = `"${owner}/${name}#develop"`;
    if (branch === '') {
      return {
        ok: false,
        problem: `Nothing follows "#". Either remove the "#" to use the default branch, or write the base branch after it, e.g. ${example}.`,
      };
    }
    const branchProblem = checkBranch(branch);
    if (branchProblem) {
      return {
        ok: false,
        problem: `The base branch ${quote(branch)} is not a valid git branch name: it ${branchProblem}. Write an existing branch after "#", e.g. ${example}.`,
      };
    }
  }

  return {
    ok: true,
    repository: { owner, name },
    ...(branch === undefined ? {} : { baseBranch: branch }),
    ...(host === undefined ? {} : { host }),
  };
}

/**
 * The canonical text of a reference: `owner/name`, plus `#branch` when given. Parsing the result
 * with {@link parseRepositoryReference} gives back the same owner, name and branch. Pure.
 */
export function formatRepositoryReference(repository: RepositoryRef, baseBranch?: string): string {
  const base = `${repository.owner}/${repository.name}`;
  return baseBranch === undefined ? base : `${base}#${baseBranch}`;
}

/**
 * Plain-text Jira comment explaining why the repository field cannot be used: names the field,
 * quotes the value (credentials and token-like query parameters masked, invisible characters
 * removed, at most 120 characters) and says how to fix it. The caller turns it into ADF. Pure;
 * never throws.
 */
export function formatRepositoryProblemComment(fieldName: string, rawValue: unknown, problem: string): string {
  const field = `"${cleanForDisplay(fieldName, 80) || 'Repository'}"`;
  return [
    `Khitomer cannot work on this ticket yet: the ${field} field does not name a GitHub repository it can use.`,
    '',
    `Value found: ${describeRawValue(rawValue)}`,
    `Problem: ${problem}`,
    '',
    `To fix it, edit the ${field} field of this ticket, e.g. to "acme/payments" or ` +
      '"https://github.com/acme/payments#develop" (the part after "#" is the base branch and is optional). ' +
      'Khitomer checks the field again once the ticket has changed.',
  ].join('\n');
}

type Failure = { ok: false; problem: string };
type Located = { ok: true; owner: string; name: string; host?: string } | Failure;

function locate(location: string): Located {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(location);
  if (scheme) {
    const protocol = scheme[1]!.toLowerCase();
    if (protocol !== 'https' && protocol !== 'http' && protocol !== 'ssh') {
      return failure(
        `Addresses starting with "${protocol}://" are not supported; use an https:// (or http://) repository URL or owner/repo.`,
      );
    }
    return fromUrl(location.slice(scheme[0].length), protocol);
  }
  const scp = /^([A-Za-z0-9._-]+)@([^/:]+):(.*)$/.exec(location);
  if (scp) {
    const host = scp[2]!;
    if (!HOST_RE.test(host)) return failure(`${quote(host)} is not a valid host name.`);
    return fromPath(scp[3]!, location, host.toLowerCase());
  }
  if (location.includes('@')) {
    return failure('The value contains "@", which a repository reference cannot contain.');
  }
  const parts = stripTrailingSlashes(location).split('/');
  if (parts.length === 3 && HOST_LIKE_RE.test(parts[0]!)) {
    return fromPath(parts.slice(1).join('/'), location, parts[0]!.toLowerCase());
  }
  return fromPath(location, location);
}

function fromUrl(rest: string, protocol: string): Located {
  const noQuery = rest.split('?')[0]!;
  const slash = noQuery.indexOf('/');
  const authority = slash === -1 ? noQuery : noQuery.slice(0, slash);
  const path = slash === -1 ? '' : noQuery.slice(slash);
  let hostPart = authority;
  if (authority.includes('@')) {
    if (protocol !== 'ssh') {
      return failure(
        'The URL contains a user name or token before "@"; remove it, Khitomer signs in with its own credentials.',
      );
    }
    hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  }
  if (!HOST_RE.test(hostPart)) {
    return failure(`${quote(hostPart)} is not a valid host name.`);
  }
  const host = hostPart.toLowerCase();
  const segments = stripTrailingSlashes(path).split('/').slice(1);
  if (segments.length === 0) {
    return failure(`The URL names the host ${quote(host)} but no /owner/repo path.`);
  }
  if (segments.length > 2 && segments[0] && segments[1] && REPO_PAGES.has(segments[2]!)) {
    const base = `${protocol}://${host}/${segments[0]}/${stripGit(segments[1])}`;
    if (segments[2] === 'tree' && segments.length > 3) {
      const suggestion = `${base}#${segments.slice(3).join('/')}`;
      return {
        ok: false,
        problem: `The URL points to a branch page ("…/tree/…"), not to the repository. To use that branch as the base branch, write ${quote(suggestion, 200)}.`,
      };
    }
    return {
      ok: false,
      problem: `The URL points to a page inside the repository ("…/${segments[2]}"), not to the repository itself. Use ${quote(base, 200)} (add "#branch" for a base branch other than the default).`,
    };
  }
  return fromSegments(segments, `/${segments.join('/')}`, host);
}

function fromPath(path: string, shown: string, host?: string): Located {
  return fromSegments(stripTrailingSlashes(path).split('/'), shown, host);
}

function fromSegments(segments: string[], shown: string, host?: string): Located {
  if (segments.length === 1) {
    const only = segments[0]!;
    if (host === undefined && shown.includes('/')) {
      return failure(`The repository name after ${quote(`${only}/`)} is missing.`);
    }
    if (host !== undefined) {
      return failure(`The address names only ${quote(only)}; it needs both owner and repository.`);
    }
    return failure(`${quote(only)} has no owner; write the account or organisation, a "/", then the repository.`);
  }
  if (segments.length > 2) {
    return failure(`${quote(shown)} has ${segments.length} parts separated by "/"; expected exactly two, owner/repo.`);
  }
  const [owner, rawName] = segments as [string, string];
  if (owner === '' && rawName === '') {
    return failure(`${quote(shown)} names neither an owner nor a repository.`);
  }
  if (owner === '') return failure('The owner before "/" is missing.');
  if (rawName === '') {
    return failure(`The repository name after ${quote(`${owner}/`)} is missing.`);
  }
  return { ok: true, owner, name: stripGit(rawName), ...(host === undefined ? {} : { host }) };
}

function checkOwner(owner: string): string | undefined {
  if (owner.length > MAX_OWNER || !OWNER_RE.test(owner)) {
    return withHint(
      `The owner ${quote(owner)} is not a valid GitHub account or organisation name: it may only contain ` +
        `letters, digits and single hyphens, must not start or end with a hyphen, and has at most ${MAX_OWNER} characters.`,
    );
  }
  return undefined;
}

function checkRepo(name: string): string | undefined {
  if (name === '') return withHint('The repository name is missing before ".git".');
  if (name === '.' || name === '..' || name.length > MAX_REPO || !REPO_RE.test(name)) {
    return withHint(
      `The repository name ${quote(name)} is not valid on GitHub: it may only contain letters, digits, ".", "-" ` +
        `and "_", has at most ${MAX_REPO} characters, and cannot be "." or "..".`,
    );
  }
  return undefined;
}

/**
 * Git's rules for a branch name (`git check-ref-format --branch`), phrased to complete
 * "it …". Also refuses `HEAD`, a leading `-` and names over 255 characters, which git tools refuse.
 */
function checkBranch(branch: string): string | undefined {
  if (branch.length > MAX_BRANCH) return `is longer than ${MAX_BRANCH} characters`;
  if (branch === 'HEAD') return 'must not be "HEAD"';
  if (branch === '@') return 'must not be "@" alone';
  if (branch.startsWith('-')) return 'must not start with "-"';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in refs
  const bad = /[\u0000-\u0020\u007F~^:?*[\\]/.exec(branch);
  if (bad)
    return bad[0] <= ' ' || bad[0] === '\u007F'
      ? 'must not contain spaces or control characters'
      : `must not contain "${bad[0]}"`;
  if (branch.includes('..')) return 'must not contain ".."';
  if (branch.includes('@{')) return 'must not contain "@{"';
  if (branch.startsWith('/') || branch.endsWith('/') || branch.includes('//')) {
    return 'must not start or end with "/" or contain "//"';
  }
  if (branch.endsWith('.')) return 'must not end with "."';
  for (const part of branch.split('/')) {
    if (part.startsWith('.')) return 'must not have a part (between "/") that starts with "."';
    if (part.endsWith('.lock')) return 'must not have a part (between "/") that ends with ".lock"';
  }
  return undefined;
}

type FieldText = { ok: true; text: string } | Failure;

/** The text of a Jira field value, invisible characters removed and trimmed. */
function fieldText(value: unknown): FieldText {
  const raw = rawFieldText(value, 0);
  if (!raw.ok) return raw;
  return { ok: true, text: stripInvisible(raw.text).trim() };
}

function rawFieldText(value: unknown, depth: number): FieldText {
  if (value === null || value === undefined) return { ok: true, text: '' };
  if (typeof value === 'string') return { ok: true, text: value };
  if (Array.isArray(value)) {
    const present = value.filter((item) => item !== null && item !== undefined);
    if (present.length === 0) return { ok: true, text: '' };
    if (present.length > 1 || depth > 2) {
      return failure(`The field holds ${present.length} values; it must hold exactly one repository.`);
    }
    return rawFieldText(present[0], depth + 1);
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.type === 'doc' && Array.isArray(record.content)) return { ok: true, text: adfText(record) };
    if (depth <= 2 && typeof record.value === 'string') return { ok: true, text: record.value };
    if (depth <= 2 && typeof record.name === 'string') return { ok: true, text: record.name };
    return failure('The field holds a kind of value Khitomer cannot read; use a text or select-list field.');
  }
  return failure(`The field holds a ${typeof value}, not text.`);
}

/** Plain text of an ADF document: text nodes and link cards, blocks separated by newlines. */
function adfText(doc: Record<string, unknown>): string {
  const out: string[] = [];
  let budget = MAX_ADF_NODES;
  const visit = (node: unknown, depth: number): void => {
    if (budget-- <= 0 || depth > 50 || node === null || typeof node !== 'object') return;
    const n = node as { type?: unknown; text?: unknown; content?: unknown; attrs?: { url?: unknown } };
    if (n.type === 'text' && typeof n.text === 'string') out.push(n.text);
    else if (n.type === 'hardBreak') out.push('\n');
    else if (typeof n.attrs?.url === 'string' && /Card$/.test(String(n.type))) out.push(n.attrs.url);
    if (Array.isArray(n.content)) {
      for (const child of n.content) visit(child, depth + 1);
      // Block nodes (paragraph, heading, list item, …) end a line.
      if (n.type !== 'doc' && n.type !== 'text') out.push('\n');
    }
  };
  visit(doc, 0);
  return out
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

function describeRawValue(rawValue: unknown): string {
  const raw = rawFieldText(rawValue, 0);
  if (!raw.ok) {
    if (Array.isArray(rawValue)) return `(a list of ${rawValue.length} values)`;
    return rawValue !== null && typeof rawValue === 'object' ? '(a structured value)' : `(a ${typeof rawValue})`;
  }
  const shown = cleanForDisplay(raw.text, 120);
  return shown === '' ? '(empty)' : `"${shown}"`;
}

/**
 * Text safe to quote back: credentials and token-like query values masked, invisible and control
 * characters removed, whitespace collapsed, truncated with "…".
 */
function cleanForDisplay(text: string, max: number): string {
  const cleaned = stripInvisible(text)
    .replace(/\/\/[^\s/@]+@/g, '//***@')
    .replace(/([?&](?:access_?token|token|key|secret|password|pass|auth|sig|signature)=)[^&#\s]*/gi, '$1***')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned.length <= max) return cleaned;
  const code = cleaned.charCodeAt(max - 2);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 2 : max - 1;
  return `${cleaned.slice(0, end)}…`;
}

function quote(text: string, max = 80): string {
  return `"${cleanForDisplay(text, max)}"`;
}

function stripTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

function stripGit(name: string): string {
  return name.endsWith('.git') ? name.slice(0, -'.git'.length) : name;
}

function withHint(problem: string): string {
  return `${problem} ${GENERIC_HINT}`;
}

/** A failed result whose problem ends with the generic example of good values. */
function failure(problem: string): Failure {
  return { ok: false, problem: withHint(problem) };
}
