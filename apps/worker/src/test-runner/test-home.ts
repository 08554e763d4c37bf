/**
 * The throw-away HOME of one test run: a fresh folder in the system temp folder whose name carries
 * the worker's PID. Runs remove their HOME when they end; a worker that was killed (SIGKILL, OOM,
 * a lost host) cannot, so the first run of each worker process also removes the HOMEs of worker
 * processes that no longer exist.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '../process-liveness.js';

/** Name prefix of test HOMEs: `khitomer-test-home-<pid>-<random>`. */
export const TEST_HOME_PREFIX = 'khitomer-test-home-';

/**
 * Removes the test HOMEs in `parent` left by processes that no longer run. HOMEs of live processes
 * (this one included) and folders without a PID in their name are kept. Never throws.
 * @returns the folders removed.
 */
export async function sweepOrphanTestHomes(parent: string = tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(TEST_HOME_PREFIX) ? /^(\d+)-/.exec(name.slice(TEST_HOME_PREFIX.length)) : null;
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(parent, name);
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another worker is sweeping the same folder, or it is not ours to remove: leave it.
    }
  }
  return removed;
}

let swept: Promise<unknown> | undefined;

/**
 * Creates a fresh HOME for one test run in `parent` (default: the system temp folder); the first
 * call of a process also sweeps orphans left there by dead workers (once per process).
 */
export async function createTestHome(parent: string = tmpdir()): Promise<string> {
  swept ??= sweepOrphanTestHomes(parent);
  await swept;
  return mkdtemp(path.join(parent, `${TEST_HOME_PREFIX}${process.pid}-`));
}
