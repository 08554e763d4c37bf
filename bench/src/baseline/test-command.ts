/** The baseline's test run: `npm test` in the clone, as the product detects it for the fixture. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Outcome of one test run. */
export interface BaselineTestResult {
  exitCode: number | null;
  passed: boolean;
  /** Last ~4 KB of combined output. */
  outputTail: string;
}

const TAIL_BYTES = 4 * 1024;

/**
 * Runs `npm test` through `/bin/sh` in `dir` with a scrubbed environment and a fresh temporary
 * HOME (PATH, HOME, LANG, CI=true — what the product gives test commands, minus its network
 * namespace). A red run is a result, not an error.
 * @throws only when the shell cannot be spawned.
 */
export async function runNpmTest(dir: string): Promise<BaselineTestResult> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'khitomer-bench-home-'));
  try {
    return await spawnNpmTest(dir, home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function spawnNpmTest(dir: string, home: string): Promise<BaselineTestResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'npm test'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: home, LANG: 'C.UTF-8', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code) => resolve({ exitCode: code, passed: code === 0, outputTail: tail }));
  });
}
