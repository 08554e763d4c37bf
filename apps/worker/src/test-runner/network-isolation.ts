/**
 * Finds out once per process whether test commands can run without network: `unshare -n` (as root
 * or with CAP_SYS_ADMIN) or `unshare -rn` (unprivileged user namespaces). Inside the new network
 * namespace only loopback exists; it is brought up with `ip link set lo up` when `ip` is available,
 * so tests that talk to 127.0.0.1 keep working.
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
}

const UNAVAILABLE: NetworkIsolation = Object.freeze({ available: false, prefix: [], loopback: false });
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

/**
 * Probes the machine (no caching; see {@link probeNetworkIsolation}). Never throws.
 * @param path - PATH to look `unshare` and `ip` up in.
 */
export async function detectNetworkIsolation(path: string): Promise<NetworkIsolation> {
  for (const flags of [['-n'], ['-rn']]) {
    const prefix = ['unshare', ...flags, '--'];
    if ((await runQuiet(prefix[0]!, [...prefix.slice(1), '/bin/sh', '-c', 'exit 0'], path)) !== 0) continue;
    const loopback =
      (await runQuiet(prefix[0]!, [...prefix.slice(1), '/bin/sh', '-c', 'ip link set dev lo up'], path)) === 0;
    return { available: true, prefix, loopback };
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
