/**
 * An exclusive lock on a path, safe between async tasks of one process and between processes
 * sharing a folder: a lock file created with `O_EXCL` that names its holder. A lock whose holder
 * process is gone (same host) or that has not been refreshed for `staleMs` is broken and taken over.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import os from 'node:os';
import { delay } from '../retry.js';

/** Options of {@link withFileLock}. Durations in milliseconds. */
export interface FileLockOptions {
  /** Give up waiting after this long (default 600 000). */
  timeoutMs?: number;
  /** A lock file not refreshed for this long is considered abandoned (default 120 000). */
  staleMs?: number;
  /** Delay between attempts while another process holds the lock (default 50). */
  pollMs?: number;
  /** Stops waiting (the task is not started). */
  signal?: AbortSignal;
}

/** Thrown by {@link withFileLock} when the lock could not be taken in time. Not retried by the lock itself. */
export class FileLockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for the lock ${lockPath}`);
    this.name = 'FileLockTimeoutError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

/** Tails of the in-process queues, by lock path: tasks of one process never poll the file against each other. */
const localQueues = new Map<string, Promise<void>>();

/** Whether process `pid` exists on this host (also when it belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return owner.host === os.hostname() && typeof owner.pid === 'number' && !processAlive(owner.pid);
  } catch (err) {
    // Gone in between: not stale, just free. Unreadable/half-written JSON: judged by age only.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      return Date.now() - (await stat(lockPath)).mtimeMs > staleMs;
    } catch {
      return false;
    }
  }
}

async function acquire(
  lockPath: string,
  options: Required<Omit<FileLockOptions, 'signal'>>,
  signal?: AbortSignal,
): Promise<LockOwner> {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomUUID() };
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return owner;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockPath, options.staleMs)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeoutError(lockPath);
    await delay(options.pollMs, signal);
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  try {
    const current = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>;
    // Only our own lock: a lock broken as stale may belong to someone else by now.
    if (current.token === owner.token) await unlink(lockPath);
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

/**
 * Runs `task` while holding the lock `lockPath` (a file next to what it protects; its folder
 * must exist). Waits for other holders in this process (FIFO) and in other processes (polling);
 * refreshes the lock file's mtime while `task` runs so a long task is not mistaken for a dead one.
 * The lock is released when `task` settles, also when it throws.
 * @throws {FileLockTimeoutError} when the lock is not free within `timeoutMs`; the signal's reason
 *   when `signal` aborts while waiting; file-system errors other than "exists"; whatever `task`
 *   throws. Nothing is retried.
 */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const settings = {
    timeoutMs: options.timeoutMs ?? 600_000,
    staleMs: options.staleMs ?? 120_000,
    pollMs: options.pollMs ?? 50,
  };
  const previous = localQueues.get(lockPath) ?? Promise.resolve();
  let releaseLocal!: () => void;
  const mine = new Promise<void>((resolve) => {
    releaseLocal = resolve;
  });
  const tail = previous.then(() => mine);
  localQueues.set(lockPath, tail);
  try {
    await previous;
    const owner = await acquire(lockPath, settings, options.signal);
    const refresh = setInterval(
      () => {
        const now = new Date();
        utimes(lockPath, now, now).catch(() => undefined);
      },
      Math.max(1_000, Math.floor(settings.staleMs / 3)),
    );
    refresh.unref();
    try {
      return await task();
    } finally {
      clearInterval(refresh);
      await release(lockPath, owner);
    }
  } finally {
    releaseLocal();
    if (localQueues.get(lockPath) === tail) localQueues.delete(lockPath);
  }
}
