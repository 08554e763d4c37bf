/**
 * The implementation plan's shape (PRODUCT.md §4.3): the strict JSON schema sent to the model,
 * the zod schema that checks its answer, and the size cap that keeps the plan small enough for
 * workflow history (ARCHITECTURE.md: ≤ 16 KB).
 */
import type { ImplementationPlan } from '@khitomer/contracts';
import { z } from 'zod';

/** Limits enforced by {@link planSchema}; lengths in characters. */
export const PLAN_LIMITS = {
  summaryChars: 2_000,
  steps: 30,
  titleChars: 200,
  detailsChars: 4_000,
  filesPerStep: 50,
  filePathChars: 300,
  testStrategyChars: 4_000,
  risks: 20,
  riskChars: 1_000,
} as const;

/** Largest serialised plan (UTF-8 bytes of its JSON) that goes into workflow history. */
export const MAX_PLAN_BYTES = 16 * 1024;

/** Name of the structured-output schema in the Chat Completions request. */
export const PLAN_SCHEMA_NAME = 'implementation_plan';

/**
 * Strict-mode JSON schema of the plan: every object has `additionalProperties: false` and lists
 * every property as required. Length limits are stated in descriptions only, because length
 * keywords are not accepted by every OpenAI-compatible strict mode; {@link planSchema} enforces them.
 */
export const planJsonSchema: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'steps', 'test_strategy', 'risks'],
  properties: {
    summary: {
      type: 'string',
      description: `What will change and why, in a few sentences (at most ${PLAN_LIMITS.summaryChars} characters).`,
    },
    steps: {
      type: 'array',
      description: `Ordered implementation steps, 1 to ${PLAN_LIMITS.steps}.`,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['title', 'details', 'files'],
        properties: {
          title: {
            type: 'string',
            description: `Short imperative title (at most ${PLAN_LIMITS.titleChars} characters).`,
          },
          details: {
            type: 'string',
            description: `What to do in this step and how (at most ${PLAN_LIMITS.detailsChars} characters).`,
          },
          files: {
            type: 'array',
            description: `Repository-relative paths this step will likely create or change (at most ${PLAN_LIMITS.filesPerStep}).`,
            items: { type: 'string' },
          },
        },
      },
    },
    test_strategy: {
      type: 'string',
      description: `How the change will be tested (at most ${PLAN_LIMITS.testStrategyChars} characters).`,
    },
    risks: {
      type: 'array',
      description: `Risks, open questions and assumptions (at most ${PLAN_LIMITS.risks}).`,
      items: { type: 'string' },
    },
  },
};

const nonEmptyStrings = (maxItems: number, maxChars: number) =>
  z
    .array(z.string().trim().max(maxChars))
    .max(maxItems)
    .transform((items) => items.filter((item) => item !== ''));

/** Zod schema of the model's answer; mirrors {@link planJsonSchema} and adds {@link PLAN_LIMITS}. */
export const planSchema = z.strictObject({
  summary: z.string().trim().min(1).max(PLAN_LIMITS.summaryChars),
  steps: z
    .array(
      z.strictObject({
        title: z.string().trim().min(1).max(PLAN_LIMITS.titleChars),
        details: z.string().trim().max(PLAN_LIMITS.detailsChars),
        files: nonEmptyStrings(PLAN_LIMITS.filesPerStep, PLAN_LIMITS.filePathChars),
      }),
    )
    .min(1)
    .max(PLAN_LIMITS.steps),
  test_strategy: z.string().trim().max(PLAN_LIMITS.testStrategyChars),
  risks: nonEmptyStrings(PLAN_LIMITS.risks, PLAN_LIMITS.riskChars),
});

// Compile-time proof that the zod output is the contract's plan type.
const _planTypeCheck: (parsed: z.output<typeof planSchema>) => ImplementationPlan = (parsed) => parsed;
void _planTypeCheck;

/** Why an answer is not a plan. */
export type PlanParseErrorKind = 'empty' | 'too_large' | 'invalid_json' | 'schema_mismatch';

/**
 * The model's answer is not a valid plan. `message` says what is wrong in terms a model can act
 * on (used for the one re-ask); `issues` lists schema problems as `path: message`, without any
 * of the answer's text.
 */
export class PlanParseError extends Error {
  readonly kind: PlanParseErrorKind;
  readonly issues: readonly string[];

  constructor(kind: PlanParseErrorKind, message: string, issues: readonly string[] = []) {
    super(message);
    this.name = 'PlanParseError';
    this.kind = kind;
    this.issues = issues;
  }
}

/** Largest answer {@link parsePlan} looks at, in characters. */
export const MAX_PLAN_ANSWER_CHARS = 1_000_000;
const MAX_ISSUES = 10;

/**
 * Parses the model's answer into a plan. Tolerates a surrounding Markdown code fence (some
 * OpenAI-compatible servers add one); strings are trimmed and empty `files`/`risks` entries
 * dropped. Does not cap the total size (see {@link capPlan}). Pure.
 *
 * @throws {PlanParseError} when the answer is empty, larger than 1,000,000 characters, not JSON,
 * or does not match {@link planSchema}. Not worth retrying as is; re-ask the model instead.
 */
export function parsePlan(json: string): ImplementationPlan {
  const text = stripCodeFence(json.trim());
  if (text === '') throw new PlanParseError('empty', 'The answer is empty; expected one JSON object.');
  if (text.length > MAX_PLAN_ANSWER_CHARS) {
    throw new PlanParseError('too_large', `The answer is longer than ${MAX_PLAN_ANSWER_CHARS} characters.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PlanParseError(
      'invalid_json',
      'The answer is not valid JSON; expected exactly one JSON object and no other text.',
    );
  }
  const result = planSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.slice(0, MAX_ISSUES).map((issue) => {
      const path = issue.path.length === 0 ? '(root)' : formatPath(issue.path);
      return `${path}: ${issue.message}`;
    });
    const more =
      result.error.issues.length > MAX_ISSUES ? ` (and ${result.error.issues.length - MAX_ISSUES} more)` : '';
    throw new PlanParseError(
      'schema_mismatch',
      `The answer does not match the plan schema: ${issues.join('; ')}${more}.`,
      issues,
    );
  }
  return result.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function stripCodeFence(text: string): string {
  const fenced = /^```[A-Za-z]*\s*\n([\s\S]*?)\n?```$/.exec(text);
  return fenced ? fenced[1]!.trim() : text;
}

/** UTF-8 size in bytes of the plan's JSON. Pure. */
export function planByteLength(plan: ImplementationPlan): number {
  return new TextEncoder().encode(JSON.stringify(plan)).length;
}

/** Shortest a free-text field is cut to before whole files, risks and steps are dropped. */
const MIN_TEXT_CHARS = 80;
const SHORTENED_NOTICE = 'This plan was shortened by Khitomer to fit its size limit; some details were cut.';

/**
 * Returns a plan whose JSON is at most `maxBytes` UTF-8 bytes: the plan itself when it fits,
 * otherwise a copy with, in this order until it fits, free-text fields (summary, titles, details,
 * test strategy, risks) cut at the longest common length that fits (ending in "…"), then fewer
 * files per step and fewer risks, then fewer steps (always at least one). A shortened plan says
 * so in its last risk. Pure; the input is not modified.
 *
 * @throws {RangeError} when `maxBytes` is below 2,048 (a floor at which a one-step plan always fits).
 */
export function capPlan(plan: ImplementationPlan, maxBytes: number = MAX_PLAN_BYTES): ImplementationPlan {
  if (!(maxBytes >= 2_048)) throw new RangeError(`maxBytes must be at least 2048, got ${maxBytes}`);
  if (planByteLength(plan) <= maxBytes) return plan;

  const fits = (candidate: ImplementationPlan) => planByteLength(candidate) <= maxBytes;
  const full = { files: Number.POSITIVE_INFINITY, risks: Number.POSITIVE_INFINITY, steps: plan.steps.length };

  // 1. Shorten free text, keeping every step, file and risk.
  const textLimit = largestFitting(MIN_TEXT_CHARS, longestText(plan), (limit) =>
    fits(shrink(plan, { ...full, text: limit })),
  );
  if (textLimit !== undefined) return shrink(plan, { ...full, text: textLimit });

  // 2. Fewer files per step and fewer risks.
  const minimalText = { text: MIN_TEXT_CHARS };
  const listLimit = largestFitting(0, Math.max(longestFileList(plan), plan.risks.length), (limit) =>
    fits(shrink(plan, { ...minimalText, files: limit, risks: limit, steps: plan.steps.length })),
  );
  if (listLimit !== undefined) {
    return shrink(plan, { ...minimalText, files: listLimit, risks: listLimit, steps: plan.steps.length });
  }

  // 3. Fewer steps; one step with minimal text always fits in 2,048 bytes.
  const stepLimit =
    largestFitting(1, plan.steps.length, (limit) =>
      fits(shrink(plan, { ...minimalText, files: 0, risks: 0, steps: limit })),
    ) ?? 1;
  return shrink(plan, { ...minimalText, files: 0, risks: 0, steps: stepLimit });
}

interface ShrinkLimits {
  text: number;
  files: number;
  risks: number;
  steps: number;
}

function shrink(plan: ImplementationPlan, limits: ShrinkLimits): ImplementationPlan {
  const cut = (text: string, max: number) => truncateText(text, Math.min(max, limits.text));
  const steps = plan.steps.slice(0, Math.max(1, limits.steps)).map((step) => ({
    title: cut(step.title, PLAN_LIMITS.titleChars),
    details: cut(step.details, PLAN_LIMITS.detailsChars),
    files: step.files.slice(0, limits.files).map((file) => truncateText(file, PLAN_LIMITS.filePathChars)),
  }));
  const dropped = plan.steps.length - steps.length;
  const notice = dropped > 0 ? `${SHORTENED_NOTICE} ${dropped} later step(s) were omitted.` : SHORTENED_NOTICE;
  return {
    summary: cut(plan.summary, PLAN_LIMITS.summaryChars),
    steps,
    test_strategy: cut(plan.test_strategy, PLAN_LIMITS.testStrategyChars),
    // One slot is kept for the notice, so a shortened plan still passes `planSchema`.
    risks: [
      ...plan.risks
        .slice(0, Math.min(limits.risks, PLAN_LIMITS.risks - 1))
        .map((risk) => cut(risk, PLAN_LIMITS.riskChars)),
      notice,
    ],
  };
}

/** Largest n in [low, high] with `ok(n)`, assuming `ok` is monotone; undefined if none. */
function largestFitting(low: number, high: number, ok: (n: number) => boolean): number | undefined {
  if (high < low || !ok(low)) return undefined;
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function longestText(plan: ImplementationPlan): number {
  const lengths = [
    plan.summary.length,
    plan.test_strategy.length,
    ...plan.risks.map((risk) => risk.length),
    ...plan.steps.flatMap((step) => [step.title.length, step.details.length]),
  ];
  return Math.max(MIN_TEXT_CHARS, ...lengths);
}

function longestFileList(plan: ImplementationPlan): number {
  return Math.max(0, ...plan.steps.map((step) => step.files.length));
}

/** `text` cut to at most `max` characters ending in "…", never splitting a surrogate pair. */
function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
