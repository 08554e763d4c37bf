/**
 * `search_code(query, path?)`: `file:line: text` matches of an extended regular expression, capped
 * with a notice. Uses `git grep -n -E` inside the clone (tracked and untracked, not ignored files);
 * falls back to a bounded JS walk when the directory is not a usable git work tree.
 */
import { spawn } from 'node:child_process';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSafePath } from '../path-safety.js';
import { isProbablyBinary, readHead, streamLines } from './text-file.js';
import { nullable, optionalString, requireString, strictObject } from './tool-args.js';
import type { AgentTool, ToolLimits } from './tool-types.js';
import { toolError, toolOk } from './tool-types.js';

const MAX_QUERY_CHARS = 1000;
const MAX_WALK_FILES = 20_000;
const SKIPPED_DIRS = /^(?:\.git|node_modules)$/i;
const MAX_PENDING_CHARS = 256 * 1024;

interface SearchHits {
  matches: string[];
  capped: boolean;
  timedOut: boolean;
}

type GitGrepOutcome =
  | { kind: 'ok'; hits: SearchHits }
  | { kind: 'regex_error'; message: string }
  | { kind: 'unavailable' };

/**
 * Rewrites the JS-only escapes `\d`/`\D` (outside bracket expressions) into POSIX ERE classes, so
 * a query written in the usual JS/PCRE style means the same to `git grep -E`. `\w`, `\s`, `\b` are
 * understood by git's (glibc) ERE already.
 */
export function toExtendedRegex(query: string): string {
  let out = '';
  let inBracket = false;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i]!;
    if (ch === '\\' && i + 1 < query.length) {
      const next = query[i + 1]!;
      if (!inBracket && next === 'd') out += '[0-9]';
      else if (!inBracket && next === 'D') out += '[^0-9]';
      else out += ch + next;
      i++;
      continue;
    }
    if (ch === '[' && !inBracket) inBracket = true;
    else if (ch === ']' && inBracket) inBracket = false;
    out += ch;
  }
  return out;
}

function formatHit(file: string, line: number | string, text: string, limits: ToolLimits): string {
  const clipped = text.length > limits.maxLineChars ? `${text.slice(0, limits.maxLineChars)} … [line truncated]` : text;
  return `${file}:${line}: ${clipped}`;
}

/** Environment for git: nothing from the worker's own environment beyond PATH (no tokens, no user config). */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: tmpdir(),
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function gitGrep(
  root: string,
  query: string,
  pathspec: string,
  limits: ToolLimits,
  signal: AbortSignal | undefined,
): Promise<GitGrepOutcome> {
  return new Promise((resolve) => {
    const args = [
      '-c',
      'core.fsmonitor=false',
      '--literal-pathspecs',
      'grep',
      '-n',
      '-z',
      '-I',
      '-E',
      '--untracked',
      '--no-color',
      '-e',
      toExtendedRegex(query),
      '--',
      pathspec === '' ? '.' : pathspec,
    ];
    const child = spawn('git', args, { cwd: root, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const hits: SearchHits = { matches: [], capped: false, timedOut: false };
    let pending = '';
    let skippingLongLine = false;
    let stderr = '';
    let stopped = false;
    const stop = (): void => {
      if (!stopped) {
        stopped = true;
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      hits.timedOut = true;
      stop();
    }, limits.searchTimeoutMs);
    const onAbort = (): void => stop();
    signal?.addEventListener('abort', onAbort, { once: true });

    const takeRecord = (record: string): void => {
      if (stopped) return;
      const [file, line, ...rest] = record.split('\0');
      if (file === undefined || line === undefined) return;
      if (hits.matches.length >= limits.searchMaxMatches) {
        hits.capped = true;
        stop();
        return;
      }
      hits.matches.push(formatHit(file, line, rest.join('\0'), limits));
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      let data = chunk;
      if (skippingLongLine) {
        const nl = data.indexOf('\n');
        if (nl === -1) return;
        skippingLongLine = false;
        data = data.slice(nl + 1);
      }
      pending += data;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        takeRecord(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      if (pending.length > MAX_PENDING_CHARS) {
        // One enormous line: keep its head (enough for file, line and a clipped text), drop the rest.
        takeRecord(pending.slice(0, limits.maxLineChars + 1024));
        pending = '';
        skippingLongLine = true;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    const finish = (outcome: GitGrepOutcome): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.on('error', () => finish({ kind: 'unavailable' }));
    child.on('close', (code) => {
      if (pending !== '' && !stopped) takeRecord(pending);
      if (stopped || code === 0 || code === 1) return finish({ kind: 'ok', hits });
      if (/-e option|command line,|regex|regular expression/i.test(stderr)) {
        const first = stderr.split('\n').find((l) => l.trim() !== '') ?? 'invalid regular expression';
        return finish({ kind: 'regex_error', message: first.replace(/^fatal:\s*/, '').slice(0, 300) });
      }
      finish({ kind: 'unavailable' });
    });
  });
}

async function walkSearch(
  root: string,
  start: string,
  regex: RegExp,
  limits: ToolLimits,
  signal: AbortSignal | undefined,
): Promise<SearchHits> {
  const hits: SearchHits = { matches: [], capped: false, timedOut: false };
  const deadline = Date.now() + limits.searchTimeoutMs;
  let files = 0;

  const searchFile = async (rel: string): Promise<void> => {
    const abs = path.join(root, rel);
    const info = await stat(abs).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.size > limits.searchMaxFileBytes) return;
    if (isProbablyBinary(await readHead(abs).catch(() => Buffer.from([0])))) return;
    await streamLines(
      abs,
      64 * 1024,
      (n, text) => {
        if (!regex.test(text)) return true;
        if (hits.matches.length >= limits.searchMaxMatches) {
          hits.capped = true;
          return false;
        }
        hits.matches.push(formatHit(rel, n, text, limits));
        return true;
      },
      signal,
    ).catch((err: unknown) => {
      if (signal?.aborted) throw err;
    });
  };

  const startInfo = await stat(path.join(root, start)).catch(() => undefined);
  if (startInfo?.isFile()) {
    await searchFile(start);
    return hits;
  }
  const stack: string[] = [start];
  while (stack.length > 0 && !hits.capped) {
    signal?.throwIfAborted();
    if (Date.now() > deadline || files >= MAX_WALK_FILES) {
      hits.timedOut = true;
      break;
    }
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.test(entry.name)) stack.push(rel);
      } else if (entry.isFile()) {
        files++;
        await searchFile(rel);
        if (hits.capped) break;
      }
    }
  }
  hits.matches.sort();
  return hits;
}

/** The `search_code` tool. Read-only; problems (bad regex, missing path) become `Error:` results. */
export const searchCodeTool: AgentTool = {
  definition: {
    name: 'search_code',
    description:
      'Search the repository for lines matching an extended regular expression (like grep -E; ' +
      '\\d, \\w, \\s and \\b work). Returns "file:line: text" lines, capped. Optionally limit to a file or directory.',
    parameters: strictObject({
      query: { type: 'string', description: 'Extended regular expression, case-sensitive.' },
      path: nullable('string', 'File or directory relative to the repository root; null for everything.'),
    }),
  },
  async execute(args, ctx) {
    const query = requireString(args, 'query');
    const requested = optionalString(args, 'path') ?? '';
    if (query.length > MAX_QUERY_CHARS) return toolError(`query is longer than ${MAX_QUERY_CHARS} characters`);
    if (/[\n\r\0]/.test(query)) return toolError('query must be a single line without NUL bytes');
    let regex: RegExp;
    try {
      regex = new RegExp(query);
    } catch (err) {
      return toolError(`invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
    const resolved = await resolveSafePath(ctx.root, requested);
    if (!resolved.ok) return toolError(resolved.message);
    const rootReal = resolved.root;
    const exists = await stat(resolved.absolutePath).catch(() => undefined);
    if (exists === undefined) return toolError(`path "${resolved.relativePath}" does not exist`);

    let hits: SearchHits;
    const viaGit = await gitGrep(rootReal, query, resolved.relativePath, ctx.limits, ctx.signal);
    ctx.signal?.throwIfAborted();
    if (viaGit.kind === 'regex_error') return toolError(`invalid regular expression: ${viaGit.message}`);
    if (viaGit.kind === 'ok') hits = viaGit.hits;
    else hits = await walkSearch(rootReal, resolved.relativePath, regex, ctx.limits, ctx.signal);

    const where = resolved.relativePath === '' ? 'the repository' : `"${resolved.relativePath}"`;
    if (hits.matches.length === 0) {
      return toolOk(
        `No matches for /${query}/ in ${where}${hits.timedOut ? ' (search stopped early: time limit)' : ''}`,
      );
    }
    const lines = [...hits.matches];
    if (hits.capped) {
      lines.push(
        `[results capped at ${ctx.limits.searchMaxMatches} matches; narrow the query or pass a path to see the rest]`,
      );
    } else if (hits.timedOut) {
      lines.push('[search stopped early (time or file limit); results may be incomplete — pass a path to narrow it]');
    }
    return toolOk(lines.join('\n'));
  },
};
