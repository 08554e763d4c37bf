import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectNetworkIsolation } from './network-isolation.js';
import { runTestCommand } from './run-test-command.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'khitomer-run-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** True while `pid` exists and is not a zombie. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Host pids of live processes whose command line contains `marker`. Commands may run in their own
 * PID namespace, where `$!` is not the pid the test sees, so processes are found by a unique argument.
 */
function livePidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(marker) && isAlive(Number(name))) {
        pids.push(Number(name));
      }
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** A `sleep` duration unique to one test, so its process can be found under /proc. */
const uniqueSleep = (): string => `300.${process.pid}${Math.floor(Math.random() * 1e6)}`;

const fileExists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const readPid = async (file: string): Promise<number> => Number((await readFile(file, 'utf8')).trim());

describe('runTestCommand', () => {
  it('returns exit code 0 and the output tail for a passing command', async () => {
    const result = await runTestCommand({
      dir,
      command: 'echo hello; echo world >&2',
      displayCommand: 'npm test',
      timeoutMs: 30_000,
    });
    expect(result).toMatchObject({ command: 'npm test', exitCode: 0, passed: true, timedOut: false, detected: true });
    expect(result.outputTail).toMatch(/hello/);
    expect(result.outputTail).toMatch(/world/);
  });

  it('reports a failing exit code and parses the failing count', async () => {
    const result = await runTestCommand({
      dir,
      command: "printf '# tests 3\\n# fail 2\\n'; exit 3",
      timeoutMs: 30_000,
    });
    expect(result).toMatchObject({ exitCode: 3, passed: false, failing: 2 });
  });

  it('runs in the given directory', async () => {
    const result = await runTestCommand({ dir, command: 'pwd', timeoutMs: 30_000 });
    expect(result.outputTail.trim()).toBe(await import('node:fs/promises').then((fs) => fs.realpath(dir)));
  });

  it('kills the whole process group on timeout, including a forked grandchild ignoring SIGTERM', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const sleep = uniqueSleep();
    const result = await runTestCommand({
      dir,
      command: `trap '' TERM; sleep ${sleep} & echo $! > '${pidFile}'; wait`,
      timeoutMs: 1500,
      killGraceMs: 200,
    });
    expect(result).toMatchObject({ exitCode: null, passed: false, timedOut: true });
    expect(result.outputTail).toMatch(/timed out after 1500 ms/);
    expect(await readPid(pidFile)).toBeGreaterThan(0); // the grandchild did start
    await waitFor(() => livePidsWith(sleep).length === 0, 'the grandchild to die');
  });

  it('kills background processes left behind when the command ends', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const sleep = uniqueSleep();
    const result = await runTestCommand({
      dir,
      command: `sleep ${sleep} & echo $! > '${pidFile}'; exit 0`,
      timeoutMs: 120_000,
    });
    expect(result).toMatchObject({ exitCode: 0, passed: true, timedOut: false });
    expect(await readPid(pidFile)).toBeGreaterThan(0);
    await waitFor(() => livePidsWith(sleep).length === 0, 'the background process to die');
  });

  it('on abort kills the process group and throws the abort reason', async () => {
    const pidFile = path.join(dir, 'abort.pid');
    const sleep = uniqueSleep();
    const controller = new AbortController();
    const reason = new Error('cancelled by workflow');
    const run = runTestCommand({
      dir,
      command: `sleep ${sleep} & echo $! > '${pidFile}'; wait`,
      timeoutMs: 120_000,
      signal: controller.signal,
    });
    await waitFor(
      async () => (await fileExists(pidFile)) && (await readFile(pidFile, 'utf8')).trim() !== '',
      'the pid file',
    );
    await waitFor(() => livePidsWith(sleep).length === 1, 'the grandchild to be visible');
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await waitFor(() => livePidsWith(sleep).length === 0, 'the grandchild to die');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(runTestCommand({ dir, command: 'true', timeoutMs: 1000, signal: controller.signal })).rejects.toThrow(
      'already',
    );
  });

  it('scrubs the environment to PATH, HOME, LANG and CI=true', async () => {
    const secrets = {
      GITHUB_TOKEN: 'ghp-test-value-not-real-1',
      OPENAI_API_KEY: 'openai-test-value-not-real-2',
      JIRA_TOKEN: 'jira-test-value-not-real-3',
      API_TOKEN: 'api-test-value-not-real-4',
      SOME_OTHER_VAR: 'other-test-value-5',
    };
    const saved = Object.fromEntries(Object.keys(secrets).map((k) => [k, process.env[k]]));
    Object.assign(process.env, secrets);
    try {
      const result = await runTestCommand({ dir, command: 'env', timeoutMs: 30_000 });
      const vars = Object.fromEntries(
        result.longOutputTail
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      // The shell itself adds PWD (and bash would add SHLVL and _); nothing comes from the worker.
      expect(
        Object.keys(vars)
          .filter((k) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(k))
          .sort(),
      ).toEqual(['CI', 'HOME', 'LANG', 'PATH']);
      expect(vars.CI).toBe('true');
      expect(vars.HOME).toMatch(/khitomer-test-home-/);
      for (const value of Object.values(secrets)) expect(result.longOutputTail).not.toContain(value);
      expect(await fileExists(vars.HOME!)).toBe(false); // the temporary HOME is removed afterwards
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('uses a given HOME and keeps it', async () => {
    const result = await runTestCommand({ dir, command: 'echo "$HOME"', timeoutMs: 30_000, env: { HOME: dir } });
    expect(result.outputTail.trim()).toBe(dir);
    expect(await fileExists(dir)).toBe(true);
  });

  it('keeps memory bounded for a command printing ~50 MB', async () => {
    const size = 50 * 1024 * 1024;
    const result = await runTestCommand({
      dir,
      command: `yes 'a line of test output that repeats' | head -c ${size}; echo; echo LAST LINE`,
      timeoutMs: 120_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.totalOutputBytes).toBe(size + 1 + 'LAST LINE\n'.length);
    expect(result.capturedOutputBytes).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(result.outputTail)).toBeLessThanOrEqual(4 * 1024);
    expect(Buffer.byteLength(result.longOutputTail)).toBeLessThanOrEqual(16 * 1024);
    expect(result.longOutputTail.split('\n').length).toBeLessThanOrEqual(200);
    expect(result.outputTail.endsWith('LAST LINE')).toBe(true);
  });

  it('reports a command that cannot start as a failed result', async () => {
    const result = await runTestCommand({ dir: path.join(dir, 'missing'), command: 'true', timeoutMs: 30_000 });
    expect(result).toMatchObject({ exitCode: null, passed: false });
    expect(result.outputTail).toMatch(/could not start/);
  });

  it('runs without outside network where the machine allows it, keeping loopback usable', async () => {
    const isolation = await detectNetworkIsolation(process.env.PATH ?? '');
    const script =
      "require('net').createServer().listen(0, '127.0.0.1', function () { console.log('loopback ok'); this.close(); })";
    const result = await runTestCommand({
      dir,
      command: `cat /proc/net/dev; ${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}`,
      timeoutMs: 30_000,
    });
    expect(result.networkIsolated).toBe(isolation.available);
    const interfaces = result.outputTail
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0]!.trim())
      .filter((name) => name !== '' && !name.includes(' '));
    if (isolation.available) {
      expect(interfaces).toEqual(['lo']);
      if (isolation.loopback) expect(result.outputTail).toContain('loopback ok');
    }
    const unisolated = await runTestCommand({ dir, command: 'true', timeoutMs: 30_000, isolateNetwork: false });
    expect(unisolated.networkIsolated).toBe(false);
  });
});
