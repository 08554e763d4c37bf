/**
 * Test helper: runs the leader or the worker as the operator does (`pnpm start:<service>`'s command,
 * as a child process), keeps everything it writes to stdout and stderr, and measures its memory
 * through /proc. Used by the security integration tests, which must see every log line and the
 * process's own environment (the one a hostile test command could try to read).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A running leader or worker process. */
export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far, as text. */
  output(): string;
  /** The stdout lines that parse as JSON log objects. */
  logLines(): Record<string, unknown>[];
  /** Waits for a log line matching `match`, failing after `timeoutMs` or when the process exits. */
  waitForLog(what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawns `node --conditions=@khitomer/source --import tsx apps/<service>/src/main.ts` with exactly
 * `env` plus PATH and HOME (nothing else of the test runner's environment).
 */
export function startServiceProcess(service: 'leader' | 'worker', env: Record<string, string>): ServiceProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@khitomer/source', '--import', 'tsx', `apps/${service}/src/main.ts`],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) throw new Error(`could not spawn the ${service}`);
  const chunks: string[] = [];
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    chunks.push(text);
    stdout += text;
  });
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const logLines = (): Record<string, unknown>[] =>
    stdout.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  let stopping: Promise<number | null> | undefined;
  return {
    child,
    pid: child.pid,
    output: () => chunks.join(''),
    logLines,
    async waitForLog(what, match, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!logLines().some(match)) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the ${service} exited before ${what}:\n${chunks.join('').slice(-4000)}`);
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${chunks.join('').slice(-4000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      })();
      return stopping;
    },
  };
}

/** A field of /proc/<pid>/status in bytes (`VmRSS`, `VmHWM`, …). */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * Resets the process's peak RSS (`VmHWM`) to its current RSS (Linux ≥ 4.0, `clear_refs` value 5),
 * so a later `VmHWM` reading is the peak of what happened in between — no sampling needed.
 * @throws when the kernel does not allow it.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
