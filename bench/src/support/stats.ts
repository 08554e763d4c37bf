/** Summary statistics of repeated measurements. Pure. */

/** Summary of a sample: centre, tail and how noisy the sample is. */
export interface Summary {
  /** Number of measurements. */
  n: number;
  median: number;
  /** 95th percentile (linear interpolation between closest ranks). */
  p95: number;
  mean: number;
  min: number;
  max: number;
  /** Coefficient of variation: standard deviation / mean (0 for fewer than two values). */
  cv: number;
  /** (max − min) / median: the whole spread relative to the centre (0 for an empty sample). */
  spread: number;
}

/** The `q`-quantile (0 ≤ q ≤ 1) of `values` with linear interpolation; NaN for an empty sample. Pure. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/** The median of `values`; NaN for an empty sample. Pure. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, p95, mean, min, max, coefficient of variation and relative spread of `values`. Pure. */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) {
    return {
      n,
      median: Number.NaN,
      p95: Number.NaN,
      mean: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      cv: 0,
      spread: 0,
    };
  }
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mid = median(values);
  return {
    n,
    median: mid,
    p95: quantile(values, 0.95),
    mean,
    min,
    max,
    cv: mean === 0 ? 0 : Math.sqrt(variance) / mean,
    spread: mid === 0 ? 0 : (max - min) / mid,
  };
}

/** `median 1.23 s · p95 1.40 s · cv 4% · spread 9% (n=10)` for a sample of milliseconds. Pure. */
export function describeMs(summary: Summary): string {
  return (
    `median ${seconds(summary.median)} · p95 ${seconds(summary.p95)} · ` +
    `cv ${percent(summary.cv)} · spread ${percent(summary.spread)} (n=${summary.n})`
  );
}

/** Milliseconds as seconds with two decimals, e.g. `1.23 s`. Pure. */
export function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a';
}

/** A ratio as a whole percentage, e.g. `4%`. Pure. */
export function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : 'n/a';
}
