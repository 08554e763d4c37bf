import type { ImplementationPlan } from '@khitomer/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capPlan,
  MAX_PLAN_BYTES,
  PLAN_LIMITS,
  PlanParseError,
  parsePlan,
  planByteLength,
  planJsonSchema,
  planSchema,
} from './plan-schema.js';

const validPlan: ImplementationPlan = {
  summary: 'Add rate limiting to the login endpoint.',
  steps: [
    { title: 'Add limiter', details: 'Create a token bucket middleware.', files: ['src/limiter.ts'] },
    { title: 'Wire it', details: 'Use it in the login route.', files: [] },
  ],
  test_strategy: 'Unit-test the limiter; run the login tests.',
  risks: ['Shared state across instances.'],
};

function parseError(json: string): PlanParseError {
  try {
    parsePlan(json);
  } catch (err) {
    if (err instanceof PlanParseError) return err;
    throw err;
  }
  throw new Error('expected parsePlan to throw');
}

describe('planJsonSchema', () => {
  it('is strict-mode compatible: every object closed, every property required', () => {
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        node.forEach((child, i) => {
          visit(child, `${path}[${i}]`);
        });
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      if (schema.type === 'object') {
        expect(schema.additionalProperties, path).toBe(false);
        expect([...(schema.required as string[])].sort(), path).toEqual(
          Object.keys(schema.properties as object).sort(),
        );
      }
      for (const [key, child] of Object.entries(schema)) visit(child, `${path}.${key}`);
    };
    visit(planJsonSchema, '$');
  });

  it('names the contract keys of PRODUCT.md §4.3', () => {
    const properties = planJsonSchema.properties as Record<string, { items?: { properties?: object } }>;
    expect(Object.keys(properties).sort()).toEqual(['risks', 'steps', 'summary', 'test_strategy']);
    expect(Object.keys(properties.steps!.items!.properties!).sort()).toEqual(['details', 'files', 'title']);
  });

  it('matches the zod schema keys', () => {
    expect(Object.keys(planSchema.shape).sort()).toEqual(Object.keys(planJsonSchema.properties as object).sort());
  });
});

describe('parsePlan', () => {
  it('returns a valid plan', () => {
    expect(parsePlan(JSON.stringify(validPlan))).toEqual(validPlan);
  });

  it('trims strings, drops empty file and risk entries, tolerates a Markdown fence', () => {
    const messy = {
      ...validPlan,
      summary: '  spaced  ',
      steps: [{ title: ' T ', details: ' D ', files: ['', ' a.ts '] }],
      risks: ['', '  '],
    };
    expect(parsePlan(`\`\`\`json\n${JSON.stringify(messy)}\n\`\`\``)).toEqual({
      summary: 'spaced',
      steps: [{ title: 'T', details: 'D', files: ['a.ts'] }],
      test_strategy: validPlan.test_strategy,
      risks: [],
    });
  });

  it.each([
    ['empty', '  ', 'empty', 'The answer is empty; expected one JSON object.'],
    ['not JSON', 'Sure! Here is the plan: {', 'invalid_json', 'The answer is not valid JSON'],
    ['JSON array', '[]', 'schema_mismatch', '(root): Invalid input: expected object, received array'],
    [
      'missing field',
      JSON.stringify({ ...validPlan, risks: undefined }),
      'schema_mismatch',
      'risks: Invalid input: expected array, received undefined',
    ],
    ['extra field', JSON.stringify({ ...validPlan, extra: 1 }), 'schema_mismatch', 'Unrecognized key: "extra"'],
    [
      'wrong nested type',
      JSON.stringify({ ...validPlan, steps: [{ title: 'a', details: 'b', files: 'c' }] }),
      'schema_mismatch',
      'steps[0].files: Invalid input: expected array, received string',
    ],
    ['no steps', JSON.stringify({ ...validPlan, steps: [] }), 'schema_mismatch', 'steps: Too small'],
    [
      'too many steps',
      JSON.stringify({ ...validPlan, steps: Array.from({ length: 31 }, () => validPlan.steps[0]) }),
      'schema_mismatch',
      'steps: Too big: expected array to have <=30 items',
    ],
    [
      'summary too long',
      JSON.stringify({ ...validPlan, summary: 'x'.repeat(2_001) }),
      'schema_mismatch',
      'summary: Too big: expected string to have <=2000 characters',
    ],
    ['blank summary', JSON.stringify({ ...validPlan, summary: '   ' }), 'schema_mismatch', 'summary: Too small'],
    ['too large', `"${'x'.repeat(1_000_001)}"`, 'too_large', 'longer than 1000000 characters'],
  ])('%s → %s', (_label, json, kind, message) => {
    const err = parseError(json);
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(message);
  });

  it('lists schema issues without the answer text', () => {
    const err = parseError(
      JSON.stringify({ ...validPlan, summary: 42, test_strategy: 'SECRET-LOOKING TEXT', risks: [1] }),
    );
    expect(err.issues).toEqual([
      'summary: Invalid input: expected string, received number',
      'risks[0]: Invalid input: expected string, received number',
    ]);
    expect(err.message).not.toContain('SECRET-LOOKING');
  });
});

describe('capPlan', () => {
  const bigPlan = (steps: number, detailsChars: number, files = 3, risks = 5): ImplementationPlan => ({
    summary: 's'.repeat(PLAN_LIMITS.summaryChars),
    steps: Array.from({ length: steps }, (_, i) => ({
      title: `Step ${i}`,
      details: `d${i}`.padEnd(detailsChars, 'é'),
      files: Array.from({ length: files }, (_, j) => `src/module-${i}/file-${j}.ts`),
    })),
    test_strategy: 't'.repeat(PLAN_LIMITS.testStrategyChars),
    risks: Array.from({ length: risks }, (_, i) => `risk ${i}`.padEnd(500, '!')),
  });

  it('returns a plan that fits unchanged (same object)', () => {
    expect(capPlan(validPlan)).toBe(validPlan);
  });

  it('shortens free text first, keeping every step and file', () => {
    const plan = bigPlan(30, 4_000);
    expect(planByteLength(plan)).toBeGreaterThan(100_000);
    const capped = capPlan(plan);
    expect(planByteLength(capped)).toBeLessThanOrEqual(MAX_PLAN_BYTES);
    expect(planByteLength(capped)).toBeGreaterThan(MAX_PLAN_BYTES * 0.9);
    expect(capped.steps).toHaveLength(30);
    expect(capped.steps.map((s) => s.files)).toEqual(plan.steps.map((s) => s.files));
    expect(capped.steps[0]!.details.endsWith('…')).toBe(true);
    expect(capped.risks.at(-1)).toContain('shortened by Khitomer');
    expect(plan.steps[0]!.details).toHaveLength(4_000);
  });

  it('drops files and risks, then steps, when text alone is not enough', () => {
    const manyFiles = bigPlan(30, 100, 50, 20);
    const capped = capPlan(manyFiles);
    expect(planByteLength(capped)).toBeLessThanOrEqual(MAX_PLAN_BYTES);
    expect(capped.steps).toHaveLength(30);
    expect(capped.steps[0]!.files.length).toBeLessThan(50);

    const manySteps: ImplementationPlan = { ...bigPlan(1_000, 100, 0, 0) };
    const cappedSteps = capPlan(manySteps);
    expect(planByteLength(cappedSteps)).toBeLessThanOrEqual(MAX_PLAN_BYTES);
    expect(cappedSteps.steps.length).toBeLessThan(1_000);
    expect(cappedSteps.steps.length).toBeGreaterThan(10);
    expect(cappedSteps.risks.at(-1)).toMatch(/\d+ later step\(s\) were omitted/);
  });

  it('rejects a limit below 2 KB', () => {
    expect(() => capPlan(validPlan, 1_000)).toThrow(RangeError);
  });

  it('property: any plan is capped within the limit and still passes the schema', () => {
    const text = (max: number) =>
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.trim() === s && s !== '');
    const planArb = fc.record({
      summary: text(2_000),
      steps: fc.array(
        fc.record({ title: text(200), details: text(4_000), files: fc.array(text(300), { maxLength: 50 }) }),
        { minLength: 1, maxLength: 30 },
      ),
      test_strategy: text(4_000),
      risks: fc.array(text(1_000), { maxLength: 20 }),
    });
    fc.assert(
      fc.property(planArb, fc.integer({ min: 2_048, max: 20_000 }), (plan, maxBytes) => {
        const capped = capPlan(plan, maxBytes);
        expect(planByteLength(capped)).toBeLessThanOrEqual(maxBytes);
        expect(planSchema.safeParse(capped).success).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
