import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLockTimeoutError, withFileLock } from './file-lock.js';

let dir: string;
let counter = 0;
const lockPath = () => {
  counter += 1;
  return path.join(dir, `l-${counter}.lock`);
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'khitomer-lock-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Resolves on the next macrotask, so other tasks get a chance to run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('withFileLock', () => {
  it('lets one task at a time in, in order, and removes the lock file afterwards', async () => {
    const file = lockPath();
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        withFileLock(file, async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await tick();
          order.push(n);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    await expect(stat(file)).rejects.toThrow();
  });

  it('releases the lock when the task throws', async () => {
    const file = lockPath();
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withFileLock(file, async () => 'next')).toBe('next');
  });

  it('waits for a lock held by another live process and gives up with FileLockTimeoutError', async () => {
    const file = lockPath();
    // A live holder: our parent process (never this one's token).
    await writeFile(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'someone-else' }));
    await expect(withFileLock(file, async () => 'never', { timeoutMs: 200, pollMs: 20 })).rejects.toBeInstanceOf(
      FileLockTimeoutError,
    );
    expect(JSON.parse(await readFile(file, 'utf8')).token).toBe('someone-else');
  });

  it('breaks a lock whose holder process is gone, or that was not refreshed for staleMs', async () => {
    const dead = lockPath();
    await writeFile(dead, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), token: 'dead' }));
    expect(await withFileLock(dead, async () => 'taken over')).toBe('taken over');

    const old = lockPath();
    await writeFile(old, JSON.stringify({ pid: process.ppid, host: 'another-host', token: 'old' }));
    const past = new Date(Date.now() - 60_000);
    await utimes(old, past, past);
    expect(await withFileLock(old, async () => 'taken over', { staleMs: 10_000 })).toBe('taken over');
  });

  it('stops waiting when the signal aborts', async () => {
    const file = lockPath();
    await writeFile(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'busy' }));
    const controller = new AbortController();
    const waiting = withFileLock(file, async () => 'never', { pollMs: 10, signal: controller.signal });
    controller.abort(new Error('stop waiting'));
    await expect(waiting).rejects.toThrow('stop waiting');
  });
});
