/** What the machine was like during the run: hardware, load, and how noisy a fixed CPU workload is. */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { type Summary, summarize } from './stats.js';
import { now } from './timing.js';

/** Hardware and software of the run. */
export interface MachineInfo {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  /** 1-minute load average when the benchmark started. */
  loadAverageAtStart: number;
}

/** The machine the benchmark runs on. Never throws. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

/**
 * Machine noise: times a fixed CPU workload (SHA-256 of 16 MiB) `runs` times and summarises the
 * milliseconds. A high coefficient of variation means other load competed with the benchmark.
 */
export function cpuCalibration(runs = 15): Summary {
  const data = Buffer.alloc(16 * 1024 * 1024, 7);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = now();
    createHash('sha256').update(data).digest();
    samples.push(now() - started);
  }
  return summarize(samples);
}
