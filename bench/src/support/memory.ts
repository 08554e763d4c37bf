/** Peak resident memory of processes while a measurement runs, sampled from `/proc` (Linux). */
import { residentSetBytes } from '@khitomer/testkit';

/** What a {@link MemorySampler} saw of one process. */
export interface MemoryProfile {
  /** Highest VmRSS sampled, in bytes (0 when never readable). */
  peakBytes: number;
  /** VmRSS of the first sample (right after start-up), in bytes. */
  firstBytes: number;
  samples: number;
}

/** Samples the resident set size of a set of processes at a fixed interval. */
export class MemorySampler {
  private readonly tracked = new Map<string, { pid: number; profile: MemoryProfile }>();
  private timer: NodeJS.Timeout | undefined;

  /** @param intervalMs - sampling period in milliseconds. */
  constructor(private readonly intervalMs = 200) {}

  /** Adds process `pid` under `label`. */
  track(label: string, pid: number): void {
    this.tracked.set(label, { pid, profile: { peakBytes: 0, firstBytes: 0, samples: 0 } });
  }

  /** Takes one sample of every tracked process now. Never throws. */
  sample(): void {
    for (const { pid, profile } of this.tracked.values()) {
      const rss = residentSetBytes(pid);
      if (rss === undefined) continue;
      if (profile.samples === 0) profile.firstBytes = rss;
      profile.samples += 1;
      profile.peakBytes = Math.max(profile.peakBytes, rss);
    }
  }

  /** Starts sampling every `intervalMs`. Idempotent. */
  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
  }

  /** Takes a last sample, stops, and returns the profiles by label. */
  stop(): Record<string, MemoryProfile> {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Object.fromEntries([...this.tracked.entries()].map(([label, { profile }]) => [label, { ...profile }]));
  }
}
