import { readFileSync } from 'node:fs';

/**
 * Resident set size of process `pid` in bytes, from `/proc/<pid>/status` (`VmRSS`). Undefined
 * when it cannot be read (not Linux, process gone). Never throws.
 */
export function residentSetBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
