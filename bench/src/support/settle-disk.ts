/**
 * Flushes pending writes (`sync`) so that write-back left over from earlier steps (writing or
 * deleting 20k-file trees) is not paid inside the next timed step.
 */
import { spawn } from 'node:child_process';

/** Runs `sync` and waits for it. Never throws (a missing `sync` is simply skipped). */
export function settleDisk(): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('sync', [], { stdio: 'ignore' });
    child.once('error', () => resolve());
    child.once('close', () => resolve());
  });
}
