/**
 * The test sandbox (PRODUCT.md §7, issue 7 item 4) where the unit tests of `test-runner/` stop:
 * a test command must not be able to read the worker's environment through `/proc` (the scrubbed
 * environment alone does not stop `cat /proc/$PPID/environ`), a process that leaves the process
 * group must still die with the run, and the run's report must say how the tests were isolated.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestResult } from '@khitomer/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPullRequestBody } from '../activities/pull-request-body.js';
import { toTestResult } from '../activities/run-tests.js';
import { runTestCommand } from '../test-runner/run-test-command.js';
import type { OpenPullRequestInput } from '../workflows/activity-types.js';

/** What the kernel allows here, checked without the product's probe (so removing its use fails these tests). */
function unshareWorks(flags: string[]): boolean {
  return [[], ['-r']].some((user) => spawnSync('unshare', [...user, ...flags, '--', 'true']).status === 0);
}
const kernel = {
  network: unshareWorks(['-n']),
  processes: unshareWorks(['--pid', '--fork', '--mount-proc']),
};
const SCRUBBED = new Set(['PATH', 'HOME', 'LANG', 'CI', 'PWD', 'SHLVL', '_', 'OLDPWD']);

/**
 * A `NAME=value` entry of this process's initial environment (what `/proc/<pid>/environ` shows)
 * that the scrubbed test environment does not have: finding it in a test's output means the test
 * read this process's environment.
 */
const ownEnvironEntry = readFileSync('/proc/self/environ', 'utf8')
  .split('\0')
  .find((entry) => entry.includes('=') && !SCRUBBED.has(entry.slice(0, entry.indexOf('='))) && entry.length > 8);

/** Prints every environment and command line the command can read under /proc. */
const PROC_DUMP = "for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < \"$f\"; done 2>/dev/null";

function livePidsWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A field of /proc/self/status in bytes. */
function ownStatusBytes(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/self/status`);
  return Number(match[1]) * 1024;
}

const MB = 1024 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'khitomer-sandbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the test sandbox', () => {
  it('has an environment entry of its own to look for', () => {
    expect(ownEnvironEntry).toBeDefined();
  });

  it.skipIf(!kernel.processes)(
    'a test command cannot read the worker’s environment or see its processes under /proc',
    async () => {
      const result = await runTestCommand({
        dir,
        command: `echo "parent=$PPID"; ${PROC_DUMP}`,
        timeoutMs: 30_000,
      });
      expect(result.processesIsolated).toBe(true);
      expect(result.longOutputTail).toContain('parent=0');
      expect(result.longOutputTail).toContain('CI=true'); // it did read its own environment
      expect(result.longOutputTail).not.toContain(ownEnvironEntry);
    },
  );

  it.skipIf(!kernel.processes)('dependency installs (with network) still run in their own PID namespace', async () => {
    const result = await runTestCommand({ dir, command: PROC_DUMP, timeoutMs: 30_000, isolateNetwork: false });
    expect(result).toMatchObject({ networkIsolated: false, processesIsolated: true });
    expect(result.longOutputTail).toContain('CI=true');
    expect(result.longOutputTail).not.toContain(ownEnvironEntry);
  });

  it.skipIf(!kernel.processes)(
    'a process that left the process group (setsid) dies with the run, on timeout and on normal exit',
    async () => {
      const timedOutSleep = `300.${process.pid}1`;
      const timedOut = await runTestCommand({
        dir,
        command: `setsid sleep ${timedOutSleep} & trap '' TERM; sleep 300`,
        timeoutMs: 1_500,
        killGraceMs: 200,
      });
      expect(timedOut.timedOut).toBe(true);
      await waitFor('the escaped process of the timed-out run to die', () => livePidsWith(timedOutSleep).length === 0);

      const exitedSleep = `300.${process.pid}2`;
      const exited = await runTestCommand({ dir, command: `setsid sleep ${exitedSleep} & exit 0`, timeoutMs: 30_000 });
      expect(exited.exitCode).toBe(0);
      await waitFor('the escaped process of the finished run to die', () => livePidsWith(exitedSleep).length === 0);
    },
  );

  it('a test printing 200 MB grows this process’s peak RSS by far less than 100 MB', async () => {
    // Peak RSS (VmHWM) is reset to the current RSS first (clear_refs 5), so the reading afterwards
    // is the peak of this run alone: no sampling, no timing.
    writeFileSync('/proc/self/clear_refs', '5');
    const before = ownStatusBytes('VmRSS');
    const result = await runTestCommand({
      dir,
      command: `yes 'a line of hostile test output, repeated until 200 MB' | head -c ${200 * MB}; echo; echo LAST LINE`,
      timeoutMs: 120_000,
    });
    const peak = ownStatusBytes('VmHWM');
    const growth = peak - before;
    console.info(
      `200 MB test output: RSS before ${(before / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, growth ${(growth / MB).toFixed(1)} MB; ` +
        `${result.totalOutputBytes} bytes written, ${result.capturedOutputBytes} bytes kept`,
    );
    expect(result.totalOutputBytes).toBeGreaterThanOrEqual(200 * MB);
    expect(result.capturedOutputBytes).toBeLessThanOrEqual(64 * 1024);
    expect(result.outputTail.endsWith('LAST LINE')).toBe(true);
    expect(growth).toBeLessThan(100 * MB);
  });

  it('reports what this machine allows in the test result', async () => {
    const result = await runTestCommand({ dir, command: 'true', timeoutMs: 30_000 });
    expect(result.networkIsolated).toBe(kernel.network);
    expect(result.processesIsolated).toBe(kernel.processes);
    expect(toTestResult(result)).toMatchObject({
      networkIsolated: kernel.network,
      processesIsolated: kernel.processes,
    });
    console.info(`sandbox on this machine: network isolated=${kernel.network}, processes isolated=${kernel.processes}`);
  });
});

describe('the run report (PR body)', () => {
  const tests = (patch: Partial<TestResult>): TestResult => ({
    command: 'npm test',
    exitCode: 0,
    passed: true,
    timedOut: false,
    detected: true,
    durationMs: 10,
    outputTail: '',
    ...patch,
  });
  const body = (final: TestResult | null) =>
    renderPullRequestBody({
      jiraIssueKey: 'SEC-1',
      summary: 'Fix add',
      jiraUrl: 'https://jira.example/browse/SEC-1',
      workflowId: 'khitomer-SEC-1',
      repository: { owner: 'acme', name: 'calculator' },
      branch: 'khitomer/SEC-1-fix-add',
      baseBranch: 'main',
      draft: false,
      plan: { summary: 'Fix it', steps: [], test_strategy: 'npm test', risks: [] },
      agentSummary: 'Fixed.',
      changedFiles: [],
      baselineTests: null,
      finalTests: final,
      tamperingWarnings: [],
      planTokensUsed: 1,
      agentTokensUsed: 1,
    } satisfies OpenPullRequestInput);

  it('says the tests ran without network and without sight of other processes when they did', () => {
    expect(body(tests({ networkIsolated: true, processesIsolated: true }))).toContain(
      '**Test sandbox:** scrubbed environment; no network access (own network namespace); other processes invisible (own PID namespace).',
    );
  });

  it('says plainly when this worker could not isolate the tests', () => {
    const text = body(tests({ networkIsolated: false, processesIsolated: false }));
    expect(text).toContain('network NOT isolated: this worker may not create namespaces (unshare)');
    expect(text).toContain('other processes of the worker visible');
  });

  it('says nothing when no test command ran', () => {
    expect(body(null)).not.toContain('Test sandbox');
    expect(body(tests({ detected: false, networkIsolated: false }))).not.toContain('Test sandbox');
  });
});
