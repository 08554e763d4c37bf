import type { ImplementationPlan } from '@khitomer/contracts';
import { describe, expect, it } from 'vitest';
import { capPlan, capText, MAX_PLAN_CHARS } from './history-limits.js';

describe('capText', () => {
  it('keeps short text and marks cut text within the limit', () => {
    expect(capText('short', 10)).toBe('short');
    const cut = capText('x'.repeat(100), 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toContain('characters cut');
  });
});

describe('capPlan', () => {
  it('keeps a small plan as it is', () => {
    const plan: ImplementationPlan = {
      summary: 'Fix add',
      steps: [{ title: 'Fix', details: 'Use +', files: ['src/a.js'] }],
      test_strategy: 'npm test',
      risks: ['none'],
    };
    expect(capPlan(plan)).toEqual(plan);
  });

  it('fits a huge plan into the history limit, keeping the summary', () => {
    const plan: ImplementationPlan = {
      summary: 'S'.repeat(50_000),
      steps: Array.from({ length: 500 }, (_, i) => ({ title: `Step ${i}`, details: 'd'.repeat(5_000), files: ['a'] })),
      test_strategy: 't'.repeat(10_000),
      risks: Array.from({ length: 100 }, () => 'r'.repeat(1_000)),
    };
    const capped = capPlan(plan);
    expect(JSON.stringify(capped).length).toBeLessThanOrEqual(MAX_PLAN_CHARS);
    expect(capped.summary.startsWith('SSSS')).toBe(true);
    expect(capped.steps.length).toBeGreaterThan(0);
    expect(capPlan(capped)).toEqual(capped);
  });
});
