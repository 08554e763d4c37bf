/**
 * Caps on what the workflow passes to activities, so its history stays small (ARCHITECTURE.md:
 * plan ≤ 16 KB, ticket text capped, never file contents). Pure.
 */
import type { ImplementationPlan } from '@khitomer/contracts';

/** Plan size limit in characters of its JSON form. */
export const MAX_PLAN_CHARS = 16_000;
/** Ticket description limit in characters (the agent prompt clips at 24 000 too). */
export const MAX_DESCRIPTION_CHARS = 24_000;
/** Length of short texts: summaries, reasons, error messages. */
export const MAX_SHORT_TEXT_CHARS = 2_000;

/** `value` cut to `max` characters with a visible marker. Pure. */
export function capText(value: string, max: number): string {
  if (value.length <= max) return value;
  const marker = ` … [${value.length - max} characters cut]`;
  return value.slice(0, Math.max(0, max - marker.length)) + marker;
}

/**
 * The plan with long texts cut (at most 50 steps, 10 risks) and trailing steps dropped until its
 * JSON fits `maxChars`. Idempotent; the summary is always kept (capped).
 */
export function capPlan(plan: ImplementationPlan, maxChars = MAX_PLAN_CHARS): ImplementationPlan {
  const capped: ImplementationPlan = {
    summary: capText(plan.summary, MAX_SHORT_TEXT_CHARS),
    steps: plan.steps.slice(0, 50).map((step) => ({
      title: capText(step.title, 300),
      details: capText(step.details, MAX_SHORT_TEXT_CHARS),
      files: step.files.slice(0, 50).map((f) => capText(f, 300)),
    })),
    test_strategy: capText(plan.test_strategy, MAX_SHORT_TEXT_CHARS),
    risks: plan.risks.slice(0, 10).map((r) => capText(r, 300)),
  };
  while (JSON.stringify(capped).length > maxChars && capped.steps.length > 0) capped.steps.pop();
  if (JSON.stringify(capped).length > maxChars) capped.risks = [];
  return capped;
}
