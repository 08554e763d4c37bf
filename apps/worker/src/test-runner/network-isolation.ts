/**
 * Finds out once per process whether test commands can run in a sandbox of Linux namespaces:
 * `unshare -n` (as root or with CAP_SYS_ADMIN) or `unshare -rn` (unprivileged user namespaces).
 * Inside the new network namespace only loopback exists; it is brought up with `ip link set lo up`
 * when `ip` is available, so tests that talk to 127.0.0.1 keep working. Where the kernel allows it,
 * the command also gets its own PID namespace and `/proc` (`--pid --fork --mount-proc`): it cannot
 * see the worker or any other process — so it cannot read their environment (`/proc/<pid>/environ`
 * holds the worker's secrets) — and every process it starts dies with it, also one that left the
 * process group with `setsid`.
 */
import { spawn } from 'node:child_process';

/** What the probe found. */
export interface NetworkIsolation {
  /** True when commands can be wrapped in a fresh network namespace. */
  available: boolean;
  /** The wrapper to put before `/bin/sh -c …` (e.g. `['unshare', '-n', '--']`); empty when unavailable. */
  prefix: string[];
  /** True when loopback can be brought up inside the namespace. */
  loopback: boolean;
  /**
   * True when commands can also run in their own PID namespace with their own `/proc`: other
   * processes (the worker included) are invisible to them, and all of their processes die with them.
   * `prefix` then includes it.
   */
  processesIsolated: boolean;
  /**
   * The wrapper for commands that need the network (dependency installs): own PID namespace and
   * `/proc` only. Empty when PID namespaces are not allowed.
   */
  processPrefix: string[];
}

const UNAVAILABLE: NetworkIsolation = Object.freeze({
  available: false,
  prefix: [],
  loopback: false,
  processesIsolated: false,
  processPrefix: [],
});
/** Own PID namespace and `/proc`; `--kill-child` ends the namespace when `unshare` itself is killed. */
const PID_NAMESPACE_FLAGS = ['--pid', '--fork', '--mount-proc', '--kill-child'];
const PROBE_TIMEOUT_MS = 5000;
/** Shell line that brings loopback up inside the namespace; silent when `ip` is missing. */
export const LOOPBACK_UP = 'ip link set dev lo up >/dev/null 2>&1';

function runQuiet(file: string, args: string[], path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'ignore', env: { PATH: path } });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** True when `/bin/sh -c script` exits 0 behind `prefix`. */
async function worksBehind(prefix: string[], script: string, path: string): Promise<boolean> {
  return (await runQuiet(prefix[0]!, [...prefix.slice(1), '/bin/sh', '-c', script], path)) === 0;
}

/**
 * Probes the machine (no caching; see {@link probeNetworkIsolation}): first as is (root or
 * CAP_SYS_ADMIN), then inside an unprivileged user namespace (`-r`). Never throws.
 * @param path - PATH to look `unshare` and `ip` up in.
 */
export async function detectNetworkIsolation(path: string): Promise<NetworkIsolation> {
  for (const user of [[], ['-r']]) {
    const processPrefix = ['unshare', ...user, ...PID_NAMESPACE_FLAGS, '--'];
    const processesIsolated = await worksBehind(processPrefix, 'exit 0', path);
    const pid = processesIsolated ? PID_NAMESPACE_FLAGS : [];
    const prefix = ['unshare', ...user, '-n', ...pid, '--'];
    if (!(await worksBehind(prefix, 'exit 0', path))) {
      if (processesIsolated) return { ...UNAVAILABLE, processPrefix };
      continue;
    }
    const loopback = await worksBehind(prefix, 'ip link set dev lo up', path);
    return {
      available: true,
      prefix,
      loopback,
      processesIsolated,
      processPrefix: processesIsolated ? processPrefix : [],
    };
  }
  return UNAVAILABLE;
}

let cached: Promise<NetworkIsolation> | undefined;

/**
 * The cached probe result (the probe runs once per process). Never throws.
 * @param path - PATH used for the first probe.
 */
export function probeNetworkIsolation(path: string): Promise<NetworkIsolation> {
  cached ??= detectNetworkIsolation(path);
  return cached;
}
