/**
 * Who holds a clone: `<workspace folder>.owner` beside it names the host and process of the worker
 * that made it. A clone belongs to exactly one worker process (its host queue dies with it), so a
 * clone whose worker is gone is never used again; a worker sweeps such orphans from WORKSPACE_DIR
 * when it starts (after a SIGKILL, an OOM kill or a lost host coming back).
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../process-liveness.js';

const OWNER_SUFFIX = '.owner';

interface Owner {
  host: string;
  pid: number;
}

/** The owner file of the workspace folder `dir`. Pure. */
export function ownerFileFor(dir: string): string {
  return `${dir}${OWNER_SUFFIX}`;
}

/** Records this process as the owner of the workspace folder `dir` (before anything is cloned into it); creates its parent when missing. */
export async function claimWorkspace(dir: string): Promise<void> {
  const owner: Owner = { host: os.hostname(), pid: process.pid };
  // WORKSPACE_DIR itself may not exist yet on a fresh machine.
  await mkdir(path.dirname(dir), { recursive: true });
  await writeFile(ownerFileFor(dir), `${JSON.stringify(owner)}\n`);
}

/** Forgets the owner of `dir` (after the folder was removed). Idempotent. */
export async function releaseWorkspace(dir: string): Promise<void> {
  await rm(ownerFileFor(dir), { force: true });
}

function parseOwner(text: string): Owner | null {
  try {
    const value = JSON.parse(text) as Partial<Owner>;
    return typeof value.host === 'string' && Number.isInteger(value.pid) ? (value as Owner) : null;
  } catch {
    return null;
  }
}

/**
 * Removes the workspaces below `root` whose owner ran on this host and is gone. Call it once, when
 * the worker starts and before it claims anything: an owner with this very PID is then a previous
 * incarnation (in a container the worker is always PID 1). Workspaces of live processes, of other
 * hosts (a shared volume) and folders without an owner file are kept. Never throws.
 * @returns the workspace folders removed.
 */
export async function sweepOrphanWorkspaces(root: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const host = os.hostname();
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(OWNER_SUFFIX) || name.startsWith('.')) continue;
    const file = path.join(root, name);
    const owner = parseOwner(await readFile(file, 'utf8').catch(() => ''));
    if (!owner || owner.host !== host) continue;
    if (owner.pid !== process.pid && isProcessAlive(owner.pid)) continue;
    const dir = file.slice(0, -OWNER_SUFFIX.length);
    try {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      await rm(file, { force: true });
      removed.push(dir);
    } catch {
      // Left for the next start.
    }
  }
  return removed;
}
