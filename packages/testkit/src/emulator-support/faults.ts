import type http from 'node:http';

/** One fault-injection rule. Rules are checked in order; the first that matches and fires wins. */
export interface FaultRule {
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Path (without query) to match: exact string, prefix ending in `*`, or RegExp. Any when absent. */
  path?: string | RegExp;
  /** Probability in [0,1] that a matching request is hit (1 when absent). Uses the seeded RNG. */
  probability?: number;
  /** Fire at most this many times (unlimited when absent). */
  times?: number;
  /** Status to answer with (e.g. 500, 502, 503, 429). Omit for latency-only or hang rules. */
  status?: number;
  /** Sent as `Retry-After` (seconds) with the status. */
  retryAfterSeconds?: number;
  /** Response body for `status` (JSON). */
  body?: unknown;
  /** Delay before handling (or before the fault response), in ms. */
  latencyMs?: number;
  /** Never answer (the socket stays open until the client gives up or the emulator closes). */
  hang?: boolean;
}

/** Outcome of {@link FaultInjector.apply}. */
export type FaultOutcome = 'handled' | 'pass';

/** Deterministic PRNG (mulberry32) so chaos runs are reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pathMatches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/**
 * Fault injection shared by the emulators: errors with Retry-After, latency and hangs, by
 * method/path, probability (seeded) and count.
 */
export class FaultInjector {
  private rules: { rule: FaultRule; fired: number }[] = [];
  private random: () => number;
  /** How many requests each fault status answered, for assertions. */
  readonly injected: { method: string; path: string; status: number | 'hang' | 'latency' }[] = [];

  constructor(seed = 42) {
    this.random = seededRandom(seed);
  }

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const entry = { rule, fired: 0 };
    this.rules.push(entry);
    return () => {
      this.rules = this.rules.filter((r) => r !== entry);
    };
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Reseeds the RNG. */
  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  /**
   * Applies the first matching rule: waits its latency, then answers its status or hangs.
   * Returns `handled` when the response was taken over, `pass` when the request should proceed.
   */
  async apply(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<FaultOutcome> {
    const method = (req.method ?? 'GET').toUpperCase();
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!pathMatches(rule.path, path)) continue;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      entry.fired++;
      if (rule.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs));
      if (rule.hang) {
        this.injected.push({ method, path, status: 'hang' });
        return 'handled';
      }
      if (rule.status === undefined) {
        this.injected.push({ method, path, status: 'latency' });
        return 'pass';
      }
      this.injected.push({ method, path, status: rule.status });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
      res.writeHead(rule.status, headers);
      res.end(JSON.stringify(rule.body ?? { message: `injected fault ${rule.status}` }));
      return 'handled';
    }
    return 'pass';
  }
}
