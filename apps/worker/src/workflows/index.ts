/**
 * Workflow code of the worker. This folder is bundled by Temporal's webpack and replayed from
 * history, so every file in it follows these rules:
 *
 * 1. Deterministic only: no I/O, no Node built-ins (fs, path, os, crypto, http, child_process…),
 *    no `@temporalio/activity|worker|client`, no real randomness or wall clock (Temporal replaces
 *    `Date.now()` and `Math.random()` with replay-safe versions; use `uuid4()` for ids).
 * 2. Imports: `@temporalio/workflow`, `@khitomer/contracts` (workflow-safe), type-only imports,
 *    and the other modules of this folder. Anything with side effects runs in an activity.
 * 3. Branch on failure `type` / timeout kind (see `failure-classification.ts`), never on
 *    `instanceof`.
 * 4. Keep history small: the plan is capped, test output is a ≤ 4 KB tail, never file contents or
 *    diffs (see `history-limits.ts`).
 * 5. Changing the order or kind of commands breaks replay of running workflows: use `patched()`
 *    for changes once shipped.
 *
 * A test bundles this folder (`workflow-bundle.test.ts`), so a forbidden import fails CI.
 */
export { ImplementationWorkflow } from './implementation-workflow.js';
