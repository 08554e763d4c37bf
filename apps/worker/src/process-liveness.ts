/** Whether a process of this machine still runs, for sweeping what dead workers left behind. */

/** True when a process with `pid` exists in this PID namespace (also one of another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
