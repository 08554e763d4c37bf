import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHome, sweepOrphanTestHomes, TEST_HOME_PREFIX } from './test-home.js';

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(path.join(tmpdir(), 'khitomer-test-homes-'));
});
afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('test HOMEs', () => {
  it('names the HOME after this process', async () => {
    const home = await createTestHome(parent);
    expect(path.basename(home)).toMatch(new RegExp(`^${TEST_HOME_PREFIX}${process.pid}-`));
  });

  it('sweeps the HOMEs of dead workers and keeps those of live processes and foreign folders', async () => {
    const dead = path.join(parent, `${TEST_HOME_PREFIX}${deadPid()}-abc123`);
    const mine = path.join(parent, `${TEST_HOME_PREFIX}${process.pid}-def456`);
    const parentPid = path.join(parent, `${TEST_HOME_PREFIX}${process.ppid}-ghi789`);
    const legacy = path.join(parent, `${TEST_HOME_PREFIX}Xy12Zz`);
    const unrelated = path.join(parent, 'something-else-1');
    for (const dir of [dead, mine, parentPid, legacy, unrelated])
      await mkdir(path.join(dir, '.npm'), { recursive: true });

    expect(await sweepOrphanTestHomes(parent)).toEqual([dead]);
    expect((await readdir(parent)).sort()).toEqual(
      [mine, parentPid, legacy, unrelated].map((d) => path.basename(d)).sort(),
    );
  });

  it('does not throw for a missing folder', async () => {
    expect(await sweepOrphanTestHomes(path.join(parent, 'missing'))).toEqual([]);
  });
});
