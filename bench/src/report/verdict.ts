/** Holding a measured value against its target. Pure. */
import type { MetricRow } from '../scenarios/scenario.js';

/** PASS / MISS against the target; `—` without a target. A value that could not be measured misses. */
export type Verdict = 'PASS' | 'MISS' | '—';

/** The verdict of one row. Pure. */
export function verdictOf(row: MetricRow): Verdict {
  if (!row.target) return '—';
  const value = row.value;
  if (value === null || !Number.isFinite(value)) return 'MISS';
  const { op, value: target } = row.target;
  const ok = op === '<=' ? value <= target : op === '>=' ? value >= target : value === target;
  return ok ? 'PASS' : 'MISS';
}

/** `1.23 s`, `12 requests`, `n/a`. Pure. */
export function formatValue(value: number | null, unit: string, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(digits)} ${unit}`.trim();
}

/** `≤ 1.5 x`, `≥ 5 x`, `= 0 runs`, or `—`. Pure. */
export function formatTarget(row: MetricRow): string {
  if (!row.target) return '—';
  const symbol = row.target.op === '<=' ? '≤' : row.target.op === '>=' ? '≥' : '=';
  return `${symbol} ${Number(row.target.value.toFixed(2))} ${row.unit}`.trim();
}
