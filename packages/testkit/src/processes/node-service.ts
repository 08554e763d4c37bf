/**
 * A Node service (leader or worker `main.ts`) run as a child process for tests that kill, signal or
 * measure it: its own process group, pino JSON lines captured, readiness taken from a log line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { residentSetBytes } from './process-memory.js';

/** Options of {@link startNodeService}. */
export interface NodeServiceOptions {
  /** Shown in error messages. */
  name: string;
  /** Arguments after `node`: flags and the entry script. */
  args: string[];
  cwd: string;
  /** The child's whole environment (nothing is inherited). */
  env: Record<string, string>;
  /** `msg` of the pino line that says the service is ready. */
  readyMessage: string;
  /** How long start-up may take, in ms (default 90 000). */
  startTimeoutMs?: number;
  /** Most recent output lines kept in memory (default 20 000). */
  keepLines?: number;
}

/** How a child process ended. */
export interface NodeServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` at the exit. */
  at: number;
}

/** A running (or ended) child service. */
export interface NodeService {
  readonly name: string;
  readonly pid: number;
  /** The ready log line, parsed. */
  readonly ready: Record<string, unknown>;
  /** Settles when the process has ended (never rejects). */
  readonly exited: Promise<NodeServiceExit>;
  /** True until the process has ended. */
  readonly running: boolean;
  /** Output lines kept (stdout and stderr), oldest first. */
  lines(): string[];
  /** The kept stdout lines that are JSON objects (pino log lines), oldest first. */
  logs(): Record<string, unknown>[];
  /** Sends `signal` to the process alone (as `docker stop` does to PID 1). No-op once it has ended. */
  signal(signal: NodeJS.Signals): void;
  /**
   * SIGKILLs the whole process group (the service and what it started in its group, e.g. git) and
   * waits for the exit — a host dying. Idempotent; never throws.
   */
  kill(): Promise<NodeServiceExit>;
  /** Current resident set size in bytes (Linux), undefined once ended. */
  rssBytes(): number | undefined;
}

const running = new Set<NodeService>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `node <args>` in its own process group and resolves once a stdout JSON line has
 * `msg === readyMessage`. Registered for {@link killAllNodeServices}.
 * @throws Error with the tail of the output when the process exits or the deadline passes first
 *   (the process is killed then).
 */
export async function startNodeService(options: NodeServiceOptions): Promise<NodeService> {
  const keep = options.keepLines ?? 20_000;
  const child: ChildProcess = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} could not be spawned`);
  const kept: { text: string; json: Record<string, unknown> | undefined }[] = [];
  let ended = false;
  let readyLine: Record<string, unknown> | undefined;
  let onReady: ((line: Record<string, unknown>) => void) | undefined;
  const exited = new Promise<NodeServiceExit>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal, at: Date.now() });
    });
  });

  const record = (text: string, fromStdout: boolean): void => {
    const json = fromStdout ? parseJson(text) : undefined;
    kept.push({ text, json });
    if (kept.length > keep) kept.splice(0, kept.length - keep);
    if (readyLine === undefined && json?.msg === options.readyMessage) {
      readyLine = json;
      onReady?.(json);
    }
  };
  const splitter = (fromStdout: boolean) => {
    let partial = '';
    return (chunk: Buffer): void => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line !== '') record(line, fromStdout);
    };
  };
  child.stdout?.on('data', splitter(true));
  child.stderr?.on('data', splitter(false));

  const tail = () =>
    kept
      .slice(-40)
      .map((l) => l.text)
      .join('\n');
  const service: NodeService = {
    name: options.name,
    pid,
    get ready() {
      return readyLine ?? {};
    },
    exited,
    get running() {
      return !ended;
    },
    lines: () => kept.map((l) => l.text),
    logs: () => kept.flatMap((l) => (l.json ? [l.json] : [])),
    signal(signal) {
      if (!ended) child.kill(signal);
    },
    async kill() {
      killGroup(pid);
      const exit = await exited;
      running.delete(service);
      return exit;
    },
    rssBytes: () => (ended ? undefined : residentSetBytes(pid)),
  };
  running.add(service);
  void exited.then(() => {
    // Whatever the service left in its group (a git push, a test run) dies with it.
    killGroup(pid);
    running.delete(service);
  });

  const timeoutMs = options.startTimeoutMs ?? 90_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${options.name} did not log "${options.readyMessage}" within ${timeoutMs} ms:\n${tail()}`)),
        timeoutMs,
      );
      onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      if (readyLine !== undefined) onReady(readyLine);
      void exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited (${exit.code ?? exit.signal}) before it was ready:\n${tail()}`));
      });
    });
  } catch (err) {
    await service.kill();
    throw err;
  }
  return service;
}

/** SIGKILLs every service started by {@link startNodeService} that is still running. Never throws. */
export async function killAllNodeServices(): Promise<void> {
  await Promise.all([...running].map((service) => service.kill()));
}
