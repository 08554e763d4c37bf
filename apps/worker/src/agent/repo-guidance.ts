/**
 * Collects the repository's own guidance for the agent (PRODUCT.md §6): AGENTS.md, CONTRIBUTING.md
 * and an excerpt of the README, each size-capped. Files are read through path safety, so a guidance
 * file that is a symlink out of the clone is skipped, and only the first bytes are ever read.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { resolveSafePath } from './path-safety.js';
import { isProbablyBinary } from './tools/text-file.js';

/** One guidance file. */
export interface GuidanceFile {
  /** Path relative to the repository root. */
  path: string;
  content: string;
  /** True when the file was longer than its cap. */
  truncated: boolean;
}

/** What {@link collectRepoGuidance} found. */
export interface RepoGuidance {
  files: GuidanceFile[];
}

/** Size caps, in bytes. */
export interface RepoGuidanceLimits {
  maxBytesPerFile: number;
  readmeExcerptBytes: number;
  maxTotalBytes: number;
}

/** Defaults: enough for real AGENTS.md files, small enough to keep the prompt bounded. */
export const DEFAULT_GUIDANCE_LIMITS: Readonly<RepoGuidanceLimits> = Object.freeze({
  maxBytesPerFile: 8 * 1024,
  readmeExcerptBytes: 3 * 1024,
  maxTotalBytes: 16 * 1024,
});

const AGENT_FILES = ['AGENTS.md', 'AGENT.md', '.github/copilot-instructions.md'];
const CONTRIBUTING_FILES = ['CONTRIBUTING.md', '.github/CONTRIBUTING.md', 'docs/CONTRIBUTING.md'];
const README = /^readme(\.(md|markdown|rst|txt|adoc))?$/i;

async function readCapped(root: string, rel: string, cap: number): Promise<GuidanceFile | undefined> {
  const resolved = await resolveSafePath(root, rel);
  if (!resolved.ok) return undefined;
  try {
    const info = await stat(resolved.absolutePath);
    if (!info.isFile() || cap <= 0) return undefined;
    const handle = await open(resolved.absolutePath, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(cap, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      const bytes = buffer.subarray(0, bytesRead);
      if (isProbablyBinary(bytes)) return undefined;
      const content = bytes.toString('utf8').replace(/\uFFFD+$/, '');
      return { path: resolved.relativePath, content, truncated: info.size > bytesRead };
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

async function firstExisting(
  root: string,
  candidates: readonly string[],
  cap: number,
): Promise<GuidanceFile | undefined> {
  for (const candidate of candidates) {
    const found = await readCapped(root, candidate, cap);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Reads the guidance files of the clone at `root`. Missing files are simply absent from the result.
 * Never throws; read-only; idempotent.
 */
export async function collectRepoGuidance(
  root: string,
  limits: RepoGuidanceLimits = DEFAULT_GUIDANCE_LIMITS,
): Promise<RepoGuidance> {
  const files: GuidanceFile[] = [];
  let budget = limits.maxTotalBytes;
  const add = (file: GuidanceFile | undefined): void => {
    if (file === undefined || file.content.trim() === '') return;
    files.push(file);
    budget -= Buffer.byteLength(file.content);
  };
  add(await firstExisting(root, AGENT_FILES, Math.min(limits.maxBytesPerFile, budget)));
  add(await firstExisting(root, CONTRIBUTING_FILES, Math.min(limits.maxBytesPerFile, budget)));
  const readmeName = (await readdir(root).catch(() => [] as string[])).filter((n) => README.test(n)).sort()[0];
  if (readmeName !== undefined) add(await readCapped(root, readmeName, Math.min(limits.readmeExcerptBytes, budget)));
  return { files };
}

/** Renders guidance as plain text sections (`--- path ---`), for the prompt. Pure. */
export function formatRepoGuidance(guidance: RepoGuidance): string {
  if (guidance.files.length === 0) return '(the repository has no AGENTS.md, CONTRIBUTING.md or README)';
  return guidance.files
    .map(
      (f) => `--- ${f.path}${f.truncated ? ' (excerpt)' : ''} ---\n${f.content.trimEnd()}${f.truncated ? '\n[…]' : ''}`,
    )
    .join('\n\n');
}
