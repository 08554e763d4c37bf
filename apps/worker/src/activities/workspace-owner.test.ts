import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimWorkspace, ownerFileFor, releaseWorkspace, sweepOrphanWorkspaces } from './workspace-owner.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'khitomer-owner-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

/** A workspace folder with a file in it, owned by `owner` (no owner file when null). */
async function workspace(name: string, owner: { host: string; pid: number } | null): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await writeFile(path.join(dir, 'src', 'a.js'), 'x\n');
  if (owner) await writeFile(ownerFileFor(dir), JSON.stringify(owner));
  return dir;
}

describe('workspace owners', () => {
  it('claims a workspace for this process (also in a WORKSPACE_DIR not made yet) and releases it', async () => {
    const dir = path.join(root, 'not-made-yet', 'khitomer-KHI-1--run--a1');
    await claimWorkspace(dir);
    expect(JSON.parse(await readFile(ownerFileFor(dir), 'utf8'))).toEqual({ host: os.hostname(), pid: process.pid });
    await releaseWorkspace(dir);
    await releaseWorkspace(dir);
    expect(await readdir(path.dirname(dir))).toEqual([]);
  });

  it('sweeps the clones of dead workers of this host, and of an earlier incarnation with this PID', async () => {
    const host = os.hostname();
    const dead = await workspace('khitomer-KHI-1--r1--a1', { host, pid: deadPid() });
    const earlierSelf = await workspace('khitomer-KHI-2--r1--a1', { host, pid: process.pid });
    const live = await workspace('khitomer-KHI-3--r1--a1', { host, pid: process.ppid });
    const otherHost = await workspace('khitomer-KHI-4--r1--a1', { host: `${host}-elsewhere`, pid: deadPid() });
    const unowned = await workspace('khitomer-KHI-5--r1--a1', null);
    await mkdir(path.join(root, '.mirrors', 'acme-app.git'), { recursive: true });
    await writeFile(path.join(root, 'garbled--a1.owner'), 'not json');

    expect((await sweepOrphanWorkspaces(root)).sort()).toEqual([dead, earlierSelf].sort());
    expect((await readdir(root)).sort()).toEqual(
      [
        '.mirrors',
        'garbled--a1.owner',
        path.basename(live),
        path.basename(ownerFileFor(live)),
        path.basename(otherHost),
        path.basename(ownerFileFor(otherHost)),
        path.basename(unowned),
      ].sort(),
    );
  });

  it('does nothing for a missing root', async () => {
    expect(await sweepOrphanWorkspaces(path.join(root, 'missing'))).toEqual([]);
  });
});
